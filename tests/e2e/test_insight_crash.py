"""kill -9 of a Cloud push: the daemon, importing into a slow assets-sim on its insight schedule,
is killed while it sends data chunks. Nothing may claim that set imported, state.json stays readable, and the next
`run insight` cancels the execution left INGESTING and imports the whole set."""

import csv
import json
import os
import signal

import harness
from harness import CSV_FILES, PASSWORD, E2ETestCase, Simulator, run_insightd
from test_insight import AssetsSim, insight_section


class KilledMidPush(E2ETestCase):
    def setUp(self):
        super().setUp()
        self.sim = self.start(Simulator(self.ws))
        self.assets = self.start(AssetsSim(self.ws))
        self.ws.write_credentials(PASSWORD)
        # Small chunks, each answered slowly: the push lasts seconds, long enough to be killed
        # in the middle. The daemon's insight job fires every second. The whole KnowledgeBase
        # goes (vulnerabilities: all), so every file's rows can be counted in Assets afterwards.
        section = insight_section(self.assets, "cloud").replace(
            json.dumps(harness.NEVER), json.dumps("* * * * * *")) + (
            "    chunk_objects: 10\n    vulnerabilities: all\n")
        self.config = self.ws.write_config(self.sim, extra=section)

    def csv_rows(self, name):
        with open(os.path.join(self.ws.output, name), newline="") as f:
            return list(csv.reader(f))[1:]

    def record_file(self):
        return self.ws.path("state", "insight-import.json")

    def test_a_push_killed_mid_way_is_not_reported_and_the_next_run_imports_the_set(self):
        published = run_insightd("run", "assets", "kb", "vm", config=self.config)
        self.assertEqual(published.returncode, 0, published.stderr)
        self.assets.add_faults("data:slow:300,times=forever")

        daemon = self.start(harness.Daemon(self.ws))
        daemon.log.wait_for(r"Assets Cloud execution \S+ started", timeout=30)
        harness.wait_until(lambda: self.assets.stats()["requests"].get("data", 0) >= 2, 30,
                           "two data chunks to reach assets-sim")
        daemon.kill()
        self.assertEqual(daemon.proc.returncode, -signal.SIGKILL)
        # About 17 chunks make the set: the kill came in the middle of the push.
        self.assertLess(self.assets.stats()["requests"]["data"], 10)

        # Nothing claims the set: no record of a success, status does not say succeeded.
        if os.path.exists(self.record_file()):
            with open(self.record_file()) as f:
                self.assertNotIn("last_success", json.load(f))
        with open(self.ws.path("state", "state.json")) as f:
            json.load(f)
        status = json.loads(run_insightd("status", "--json", config=self.config).stdout)
        insight = [job for job in status["jobs"] if job["name"] == "insight"][0]
        self.assertIsNone(insight["import"]["last_success"], insight)
        self.assertIsNone(insight["last_success"], insight)
        self.assertNotEqual(insight["last_run"]["result"], "succeeded", insight)
        self.assertNotIn("last import: succeeded",
                         run_insightd("status", config=self.config).stdout)

        self.assets.get("/__assets/faults", method="DELETE")
        again = run_insightd("run", "insight", config=self.config)
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertIn("left INGESTING by an interrupted push", again.stderr)
        rows = {name: len(self.csv_rows(name)) for name in CSV_FILES}
        # Detections of a QID outside the KB pulled (max_qid) have no Vulnerability to refer to;
        # Assets fails them in any push, killed or not.
        qids = {row[0] for row in self.csv_rows("vulnkb.csv")}
        detections = sum(row[2] in qids for row in self.csv_rows("vm.csv"))
        by_type = {}
        for obj in self.assets.objects():
            by_type[obj["objectType"]] = by_type.get(obj["objectType"], 0) + 1
        self.assertEqual(by_type.get("qualys-insight/host"), rows["assets.csv"], by_type)
        self.assertEqual(by_type.get("qualys-insight/vulnerability"), rows["vulnkb.csv"], by_type)
        self.assertEqual(by_type.get("qualys-insight/detection"), detections, by_type)
        self.assertEqual(by_type.get("qualys-insight/cve"), rows["cve.csv"], by_type)
        with open(self.record_file()) as f:
            record = json.load(f)
        self.assertEqual(record["last_success"]["result"], "succeeded")
        self.assertEqual([f["name"] for f in record["last_success"]["files"]], list(CSV_FILES))


if __name__ == "__main__":
    harness.main()
