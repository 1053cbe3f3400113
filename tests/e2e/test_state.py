"""`qualys-insightd run` and the records beside its publications: a state record that cannot be
written after the files are published ("published, state not saved", exit 5), and a
manifest.json behind its files (a run killed between the two) made true at the next start."""

import hashlib
import json
import os

import harness
from harness import CSV_FILES, PASSWORD, E2ETestCase, Simulator, run_insightd


def sha256_of(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


class StateNotSaved(E2ETestCase):
    def test_a_state_record_that_cannot_be_written_exits_5_and_says_the_files_are_published(self):
        sim = self.start(Simulator(self.ws))
        self.ws.write_credentials(PASSWORD)
        config = self.ws.write_config(sim)
        # A directory where kb-window-rows must go: its replacement fails after publication, as
        # on a full state.dir.
        os.makedirs(os.path.join(self.ws.state, "kb-window-rows", "in-the-way"))
        result = run_insightd("run", "all", config=config)
        self.assertEqual(result.returncode, 5, result.stderr)
        self.assertRegex(result.stderr, r"kb: run kb-\S+ published, state not saved, after ")
        self.assertIn("kb-window-rows not saved: cannot replace", result.stderr)
        self.assertNotIn("failed", result.stderr)
        self.assert_same_files(self.ws.output, self.expected(), CSV_FILES)
        with open(os.path.join(self.ws.output, "manifest.json")) as f:
            manifest = json.load(f)["files"]
        for name in CSV_FILES:
            self.assertEqual(manifest[name]["sha256"],
                             sha256_of(os.path.join(self.ws.output, name)), name)

    def test_a_failed_job_outweighs_a_state_record_not_saved(self):
        sim = self.start(Simulator(self.ws))
        self.ws.write_credentials(PASSWORD)
        config = self.ws.write_config(sim)
        os.makedirs(os.path.join(self.ws.state, "kb-window-rows", "in-the-way"))
        sim.add_faults("detection:2001,times=forever")
        result = run_insightd("run", "all", config=config)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn("published, state not saved", result.stderr)


class ManifestAtStart(E2ETestCase):
    def test_run_makes_a_manifest_behind_its_files_true_before_anything_else(self):
        sim = self.start(Simulator(self.ws))
        self.ws.write_credentials(PASSWORD)
        config = self.ws.write_config(sim)
        first = run_insightd("run", "all", config=config)
        self.assertEqual(first.returncode, 0, first.stderr)
        # What a run killed after renaming vm.csv into place and before the manifest leaves: a
        # new vm.csv (here one row fewer, renamed in the same way), the old entry.
        vm = os.path.join(self.ws.output, "vm.csv")
        with open(vm, "rb") as f:
            lines = f.read().splitlines(keepends=True)
        replacement = os.path.join(self.ws.output, ".vm.csv.tmp-1-0123456789abcdef")
        with open(replacement, "wb") as f:
            f.writelines(lines[:-1])
        os.rename(replacement, vm)
        # The run itself publishes nothing (kb fails), so only the start can have repaired it.
        sim.add_faults("kb:2001,times=forever")
        result = run_insightd("run", "kb", config=config)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn("manifest.json: vm.csv on disk", result.stderr)
        self.assertIn("manifest.json repaired from the files on disk: vm.csv", result.stderr)
        with open(os.path.join(self.ws.output, "manifest.json")) as f:
            entry = json.load(f)["files"]["vm.csv"]
        self.assertEqual(entry["sha256"], sha256_of(vm))
        self.assertEqual(entry["rows"], len(lines) - 2)
        self.assertEqual(entry["run_id"], "")


if __name__ == "__main__":
    harness.main()
