"""Incremental pulls with the real binaries: the simulator's data changes between two `run all`
(POST /__sim/mutate: records changed, added, removed) and the second, incremental, publication
equals the simulator's oracle for the new data (assets: plus the deleted assets, until a full
pull)."""

import os
import urllib.parse

import harness
from harness import CSV_FILES, PASSWORD, E2ETestCase, Simulator, run_insightd


def rows(path):
    with open(path, "rb") as f:
        return f.read().split(b"\n")[1:-1]


class Incremental(E2ETestCase):
    def oracle_now(self, sim, name):
        directory = self.ws.path(name)
        os.makedirs(directory, exist_ok=True)
        status, _, body = sim.request("/__sim/write-expected?dir=" + urllib.parse.quote(directory),
                                      data=b"", method="POST")
        self.assertEqual(status, 200, body)
        return directory

    def test_an_incremental_run_publishes_what_a_full_pull_would(self):
        sim = self.start(Simulator(self.ws))
        self.ws.write_credentials(PASSWORD)
        # count_tolerance: room for the deleted assets an incremental pull keeps until a full one.
        config = self.ws.write_config(sim, jobs={"assets": {"full_refresh": "7d",
                                                            "count_tolerance": 0.1},
                                                 "kb": {"full_refresh": "7d"},
                                                 "vm": {"full_refresh": "7d"}})
        first = run_insightd("run", "all", config=config)
        self.assertEqual(first.returncode, 0, first.stderr)
        self.assertIn("kb: full pull (no earlier publication", first.stderr)
        self.assert_same_files(self.ws.output, self.oracle_now(sim, "gen0"), CSV_FILES)
        status = run_insightd("status", config=config)
        self.assertEqual(status.returncode, 0, status.stderr)
        for job in ("assets", "kb", "vm"):
            self.assertRegex(status.stdout, rf"(?m)^  {job}: incremental base from the run started "
                             r"\S+Z; last full pull \S+Z, the next one after \S+Z$")

        for generation in (1, 2):
            status, _, body = sim.request("/__sim/mutate", data=b"", method="POST")
            self.assertEqual(status, 200, body)
            before = sim.stats()["requests"]
            again = run_insightd("run", "all", config=config)
            self.assertEqual(again.returncode, 0, again.stderr)
            for job in ("assets", "kb", "vm"):
                self.assertRegex(again.stderr, rf"{job}: run \S+ succeeded .*incremental")
            expected = self.oracle_now(sim, f"gen{generation}")
            self.assert_same_files(self.ws.output, expected, ("vulnkb.csv", "cve.csv", "vm.csv"))
            # Every current asset is there, exactly; extra rows are only deleted assets.
            got = set(rows(os.path.join(self.ws.output, "assets.csv")))
            want = set(rows(os.path.join(expected, "assets.csv")))
            self.assertTrue(want <= got, "an asset is missing or stale")
            self.assertGreaterEqual(len(got - want), 1, "the simulator deletes assets")
            after = sim.stats()["requests"]
            self.assertEqual(after.get("kb", 0) - before.get("kb", 0), 1, (before, after))
            self.assert_no_temp_files(self.ws.output)

        full = run_insightd("run", "--full", "assets", config=config)
        self.assertEqual(full.returncode, 0, full.stderr)
        self.assertIn("assets: full pull (asked for with --full)", full.stderr)
        self.assert_same_files(self.ws.output, self.oracle_now(sim, "final"), CSV_FILES)


if __name__ == "__main__":
    harness.main()
