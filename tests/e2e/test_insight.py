"""The insight job end to end: the real daemon against qualys-sim and assets-sim (both on
loopback), in Cloud mode and in Data Center mode: `run all` ends with the import, a second
`run insight` finds nothing new, `--force` imports again, and a failed import leaves the files
as they were and says so in state.dir/insight-import.json."""

import csv
import json
import os
import signal
import urllib.request
import ssl

import harness
from harness import CSV_FILES, PASSWORD, E2ETestCase, Simulator, run_insightd

CLOUD_TOKEN = "e2e-container-token"
DC_TOKEN = "e2e-personal-access-token"
DC_IMPORTS = {"assets": 11, "vulnkb": 12, "cve": 13, "vm": 14}


def assets_sim_binary():
    return harness.binary("QI_ASSETS_SIM")


class AssetsSim(harness.SimulatorProcess):
    """assets-sim on a free loopback port with a fresh CA; stopped on exit (exit 0 expected)."""

    program = "assets-sim"

    def __init__(self, workspace, extra=()):
        self.ws = workspace
        self.extra = list(extra)
        self.ca = workspace.path("assets-ca.pem")
        self.port_file = workspace.path("assets.port")
        self.cloud_token = workspace.path("cloud.token")
        self.dc_token = workspace.path("jira.token")
        self.log = workspace.path("assets-sim.log")

    def __enter__(self):
        harness.write_secret(self.cloud_token, CLOUD_TOKEN + "\n")
        harness.write_secret(self.dc_token, DC_TOKEN + "\n")
        argv = [assets_sim_binary(), "--port-file", self.port_file, "--ca-out", self.ca,
                "--cloud-token-file", self.cloud_token, "--dc-token-file", self.dc_token,
                "--dc-step-ms", "30", "--cloud-processing-ms", "30", *self.extra]
        return self.launch(argv)

    def get(self, path, data=None, method=None):
        if isinstance(data, str):
            data = data.encode()
        req = urllib.request.Request(self.url + path, data=data, method=method)
        with urllib.request.urlopen(req, context=self._ssl, timeout=30) as response:
            body = response.read()
            return json.loads(body) if body.strip().startswith((b"{", b"[")) else body

    def objects(self):
        return self.get("/__assets/objects")["objects"]

    def stats(self):
        return self.get("/__assets/stats")

    def add_faults(self, *specs):
        self.get("/__assets/faults", data="\n".join(specs) + "\n", method="POST")


def insight_section(assets, mode, after_publish=False):
    common = (f"  ca_file: {json.dumps(assets.ca)}\n"
              f"  schedule: {json.dumps(harness.NEVER)}\n"
              f"  after_publish: {json.dumps(after_publish)}\n"
              "  timeout: 60s\n")
    if mode == "cloud":
        return ("insight:\n  mode: cloud\n" + common +
                "  cloud:\n"
                f"    token_file: {json.dumps(assets.cloud_token)}\n"
                f"    info_url: {json.dumps(assets.url + '/jsm/assets/v1/imports/info')}\n")
    imports = ", ".join(f"{k}: {v}" for k, v in DC_IMPORTS.items())
    return ("insight:\n  mode: datacenter\n" + common +
            f"  url: {json.dumps(assets.url)}\n"
            f"  token_file: {json.dumps(assets.dc_token)}\n"
            f"  imports: {{{imports}}}\n")


class InsightCase(E2ETestCase):
    mode = "cloud"

    def setUp(self):
        super().setUp()
        self.sim = self.start(Simulator(self.ws))
        self.assets = self.start(AssetsSim(self.ws))
        self.ws.write_credentials(PASSWORD)
        self.config = self.ws.write_config(self.sim, extra=insight_section(self.assets, self.mode))

    def record(self):
        with open(self.ws.path("state", "insight-import.json")) as f:
            return json.load(f)

    def run_all(self):
        result = run_insightd("run", "all", config=self.config)
        self.assertEqual(result.returncode, 0, result.stderr)
        return result


class CloudImport(InsightCase):
    mode = "cloud"

    def test_run_all_publishes_then_pushes_every_row_into_assets(self):
        result = self.run_all()
        self.assertIn("insight: run insight-", result.stderr)
        self.assert_same_files(self.ws.output, self.expected(), CSV_FILES)
        by_type = {}
        for obj in self.assets.objects():
            by_type.setdefault(obj["objectType"], []).append(obj)
        rows = {name: len(harness.read_bytes(os.path.join(self.ws.output, name)).splitlines()) - 1
                for name in CSV_FILES}
        self.assertEqual(len(by_type.get("qualys-insight/host", [])), rows["assets.csv"], by_type.keys())
        # insight.cloud.vulnerabilities: detected (the default): the KB rows of the QIDs vm.csv
        # names. The QID is the first cell of vulnkb.csv, the third of vm.csv (no commas before).
        def qids(name, column):
            lines = harness.read_bytes(os.path.join(self.ws.output, name)).splitlines()[1:]
            return [line.split(b",")[column] for line in lines]
        detected = set(qids("vm.csv", 2))
        self.assertEqual(len(by_type.get("qualys-insight/vulnerability", [])),
                         sum(1 for qid in qids("vulnkb.csv", 0) if qid in detected))
        record = self.record()
        self.assertEqual(record["last_success"]["result"], "succeeded")
        self.assertEqual(record["last_success"]["target"],
                         "cloud " + self.assets.url + "/jsm/assets/v1/imports/info")
        self.assertEqual([f["name"] for f in record["last_success"]["files"]], list(CSV_FILES))
        self.assert_secret_absent(CLOUD_TOKEN, result.stdout, result.stderr)

    def test_a_set_imported_already_is_skipped_and_force_imports_it_again(self):
        self.run_all()
        executions = self.assets.stats()["requests"].get("start", 0)
        again = run_insightd("run", "insight", config=self.config)
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertIn("nothing new: set ", again.stderr)
        self.assertEqual(self.assets.stats()["requests"].get("start", 0), executions)

        forced = run_insightd("run", "--force", "insight", config=self.config)
        self.assertEqual(forced.returncode, 0, forced.stderr)
        self.assertEqual(self.assets.stats()["requests"].get("start", 0), executions + 1)
        self.assertEqual(self.record()["last_success"]["run_id"],
                         self.record()["last_attempt"]["run_id"])

    def test_a_failed_import_leaves_the_files_untouched_and_is_recorded(self):
        result = run_insightd("run", "assets", "kb", "vm", config=self.config)
        self.assertEqual(result.returncode, 0, result.stderr)
        before = harness.snapshot(self.ws.output)
        self.assets.add_faults("data:status:400,times=forever")
        failed = run_insightd("run", "insight", config=self.config)
        self.assertEqual(failed.returncode, 1, failed.stderr)
        self.assertEqual(harness.snapshot(self.ws.output), before)
        record = self.record()
        self.assertNotIn("last_success", record)
        self.assertEqual(record["last_attempt"]["result"], "failed")
        self.assertNotEqual(record["last_attempt"]["error"], "")

    def test_status_next_and_check_online_show_the_insight_job(self):
        self.run_all()
        status = run_insightd("status", config=self.config)
        self.assertIn("insight imports:", status.stdout)
        self.assertIn("last import: succeeded", status.stdout)
        as_json = json.loads(run_insightd("status", "--json", config=self.config).stdout)
        insight = [job for job in as_json["jobs"] if job["name"] == "insight"]
        self.assertEqual(insight[0]["import"]["last_success"]["result"], "succeeded", insight)
        nxt = run_insightd("next", "--count", "1", config=self.config)
        self.assertIn("insight: ", nxt.stdout)
        online = run_insightd("check", "--online", config=self.config)
        self.assertEqual(online.returncode, 0, online.stdout + online.stderr)
        self.assertIn("Assets Cloud import found, token accepted, status IDLE", online.stdout)


class DataCenterImport(InsightCase):
    mode = "datacenter"

    def test_run_all_publishes_then_starts_the_imports_in_reference_order(self):
        result = self.run_all()
        self.assert_same_files(self.ws.output, self.expected(), CSV_FILES)
        self.assertEqual(self.assets.get("/__assets/dc/starts"), [11, 12, 13, 14])
        record = self.record()["last_success"]
        self.assertEqual(record["target"], "datacenter " + self.assets.url)
        self.assertEqual(len(record["counts"]), 4, record)
        self.assert_secret_absent(DC_TOKEN, result.stdout, result.stderr)

    def test_a_set_imported_already_is_skipped_and_force_imports_it_again(self):
        self.run_all()
        again = run_insightd("run", "insight", config=self.config)
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertIn("nothing new: set ", again.stderr)
        self.assertEqual(len(self.assets.get("/__assets/dc/starts")), 4)
        forced = run_insightd("run", "--force", "insight", config=self.config)
        self.assertEqual(forced.returncode, 0, forced.stderr)
        self.assertEqual(len(self.assets.get("/__assets/dc/starts")), 8)

    def test_a_failed_import_leaves_the_files_untouched_and_is_recorded(self):
        result = run_insightd("run", "assets", "kb", "vm", config=self.config)
        self.assertEqual(result.returncode, 0, result.stderr)
        before = harness.snapshot(self.ws.output)
        self.assets.add_faults("dc-start:failed-run")
        failed = run_insightd("run", "insight", config=self.config)
        self.assertEqual(failed.returncode, 1, failed.stderr)
        self.assertEqual(harness.snapshot(self.ws.output), before)
        record = self.record()
        self.assertNotIn("last_success", record)
        self.assertEqual(record["last_attempt"]["result"], "failed")
        self.assertIn("import source 11", record["last_attempt"]["error"])

    def test_check_online_names_each_import_source_it_found(self):
        online = run_insightd("check", "--online", config=self.config)
        self.assertEqual(online.returncode, 0, online.stdout + online.stderr)
        self.assertIn("import source 11 (assets.csv): found under /rest/assets/1.0", online.stdout)
        self.assertIn("import source 14 (vm.csv): found under", online.stdout)


class AfterPublish(E2ETestCase):
    def test_the_daemon_imports_after_each_publication_one_run_at_a_time(self):
        sim = self.start(Simulator(self.ws))
        assets = self.start(AssetsSim(self.ws))
        self.ws.write_credentials(PASSWORD)
        # The three jobs publish every 2 s, at the same moments, so imports and publications
        # overlap.
        every = {"schedule": "*/2 * * * * *"}
        self.ws.write_config(sim, jobs={"assets": every, "kb": every, "vm": every},
                             extra=insight_section(assets, "cloud", after_publish=True))
        daemon = self.start(harness.Daemon(self.ws))
        daemon.log.wait_for(r"insight: run \S+ started", timeout=30)
        daemon.log.wait_for(r"insight: run \S+ succeeded", timeout=60)
        daemon.log.wait_for(r"insight: run \S+ succeeded", timeout=60)
        daemon.signal(signal.SIGTERM)
        self.assertEqual(daemon.wait_exit(20), 0, daemon.log.text())
        text = daemon.log.text()
        self.assertIn("(insight.after_publish)", text)
        # Never two imports at once: each start is followed by its end before the next.
        starts = ends = 0
        for line in text.splitlines():
            if "insight: run" in line and " started" in line:
                starts += 1
                self.assertEqual(starts, ends + 1, "a second import started before the first ended")
            elif "insight: run" in line and (" succeeded" in line or " failed" in line):
                ends += 1
        with open(self.ws.path("state", "state.json")) as f:
            self.assertIn("insight", json.load(f)["jobs"])

    def test_a_first_install_waits_for_the_whole_set_instead_of_failing(self):
        sim = self.start(Simulator(self.ws))
        assets = self.start(AssetsSim(self.ws))
        self.ws.write_credentials(PASSWORD)
        # Only the assets job publishes: vulnkb.csv, cve.csv and vm.csv never come.
        self.ws.write_config(sim, jobs={"assets": {"schedule": "* * * * * *"}},
                             extra=insight_section(assets, "cloud", after_publish=True))
        daemon = self.start(harness.Daemon(self.ws))
        daemon.log.wait_for(r"assets: run \S+ succeeded", timeout=30)
        daemon.log.wait_for(r"assets: run \S+ succeeded", timeout=30)
        daemon.signal(signal.SIGTERM)
        self.assertEqual(daemon.wait_exit(20), 0, daemon.log.text())
        text = daemon.log.text()
        waiting = ("info insight: waiting for vulnkb.csv, cve.csv, vm.csv to be published "
                   "before importing")
        self.assertEqual(text.count(waiting), 1, text)
        self.assertNotIn("insight: run", text)


class InsightOff(E2ETestCase):
    def test_without_the_section_there_is_no_insight_job(self):
        sim = self.start(Simulator(self.ws))
        self.ws.write_credentials(PASSWORD)
        config = self.ws.write_config(sim)
        result = run_insightd("run", "all", config=config)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertNotIn("insight", result.stderr)
        self.assertNotIn("insight", run_insightd("next", config=config).stdout)
        self.assertNotIn("insight", run_insightd("status", config=config).stdout)
        named = run_insightd("run", "insight", config=config)
        self.assertEqual(named.returncode, 3, named.stderr)
        self.assertIn("insight.mode", named.stderr)


# output.extra_columns of every file that has catalog columns, one of each value kind.
EXTRA_COLUMNS = {
    "assets": ["Host ID", "DNS Name", "Agent ID", "Tags", "Last Check-In", "Cloud Provider",
               "Instance ID"],
    "vulnkb": ["CVSS v3 Base", "Patchable", "Threat Intelligence", "Published"],
    "vm": ["Status", "Severity", "Ports", "Is Ignored", "First Found"],
}
# The object type each file feeds, and the attribute types of the extra columns chosen above.
OBJECT_TYPES = {"assets": "host", "vulnkb": "vulnerability", "vm": "detection"}
KINDS = {"Host ID": "host-id", "CVSS v3 Base": "double", "Patchable": "boolean",
         "Threat Intelligence": "multi", "Ports": "multi", "Is Ignored": "boolean",
         "Severity": "integer", "Published": "date", "First Found": "date", "Tags": "multi",
         "Last Check-In": "date"}


def slug(name):
    return "-".join("".join(c.lower() if c.isalnum() else " " for c in name).split())


def expected_values(kind, cell):
    """What Assets holds for a cell (None: no value sent), per docs/insight.md."""
    if kind in ("text", "host-id"):
        return [cell]
    if cell == "":
        return None
    if kind == "multi":
        return [v for v in cell.split("||") if v]
    if kind == "boolean":
        return ["true" if cell == "1" else "false"]
    return [cell]


class CloudImportWithExtraColumns(InsightCase):
    """The extra columns reach Assets Cloud as typed attributes, with the real daemon."""
    mode = "cloud"

    def setUp(self):
        super().setUp()
        with open(self.config) as f:
            text = f.read()
        chosen = ", ".join(f"{file}: {json.dumps(names)}" for file, names in EXTRA_COLUMNS.items())
        output = f"output: {{dir: {json.dumps(self.ws.output)}}}"
        self.assertIn(output, text)
        with open(self.config, "w") as f:
            f.write(text.replace(output, output[:-1] + f", extra_columns: {{{chosen}}}}}"))

    def rows(self, file):
        with open(os.path.join(self.ws.output, file + ".csv"), newline="") as f:
            return list(csv.DictReader(f))

    def test_every_extra_cell_is_the_value_of_its_attribute_and_a_second_push_updates(self):
        result = self.run_all()
        self.assertIn("putting our mapping", result.stderr)
        objects = {(o["objectType"], o["externalId"]): o["attributes"]
                   for o in self.assets.objects()}
        keys = {"assets": lambda r: r["AssetID"], "vulnkb": lambda r: r["QID_KB"],
                "vm": lambda r: r["Host ID"] + "-" + r["QID"]}
        checked = 0
        for file, names in EXTRA_COLUMNS.items():
            kind_type = "qualys-insight/" + OBJECT_TYPES[file]
            for row in self.rows(file):
                attributes = objects.get((kind_type, keys[file](row)))
                if attributes is None:
                    continue  # a QID no host detects stays out of the push
                for name in names:
                    kind = KINDS.get(name, "text")
                    attribute = kind_type + ("/host-id" if kind == "host-id" else "/extra-" + slug(name))
                    got = attributes.get(attribute)
                    want = expected_values(kind, row[name])
                    if kind == "double" and want:
                        self.assertEqual(float(got[0]), float(want[0]), (row, name))
                    else:
                        self.assertEqual(got, want, (file, row, name))
                    checked += 1
        self.assertGreater(checked, 50)
        # Assets took every value: the only objects failed are Detections of a QID missing from
        # the simulated KnowledgeBase (a quirk of its data set), never a value of the wrong type.
        for count in self.record()["last_success"]["counts"]:
            if count["what"] != "Detection":
                self.assertEqual(count.get("failed", 0), 0, count)
            self.assertNotIn(" is not ", count["message"])
            self.assertNotIn("allowed", count["message"])
        # Every Detection found its Host through the Host ID column of assets.csv.
        hosts = {o["externalId"] for o in self.assets.objects()
                 if o["objectType"] == "qualys-insight/host"}
        for (kind_type, _), attributes in objects.items():
            if kind_type == "qualys-insight/detection":
                self.assertIn(attributes["qualys-insight/detection/host"][0].split("/")[-1], hosts)

        forced = run_insightd("run", "--force", "insight", config=self.config)
        self.assertEqual(forced.returncode, 0, forced.stderr)
        self.assertIn("the import source holds our mapping", forced.stderr)
        counts = self.record()["last_success"]["counts"]
        self.assertEqual(sum(c.get("created", 0) for c in counts), 0, counts)


if __name__ == "__main__":
    harness.main()
