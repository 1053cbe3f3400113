"""`qualys-insightd run`: one-shot runs against the simulator (success, a Qualys error, a wrong
password, jobs locked by another process)."""

import fcntl
import os

import harness
from harness import CSV_FILES, PASSWORD, E2ETestCase, Simulator, run_insightd


class RunAll(E2ETestCase):
    def test_publishes_the_four_csv_files_exactly_as_the_oracle(self):
        sim = self.start(Simulator(self.ws))
        self.ws.write_credentials(PASSWORD)
        config = self.ws.write_config(sim)
        result = run_insightd("run", "all", config=config)
        self.assertEqual(result.returncode, 0, result.stderr)

        self.assert_same_files(self.ws.output, self.expected(), CSV_FILES)
        self.assert_no_temp_files(self.ws.output)
        names = set(os.listdir(self.ws.output))
        self.assertTrue(set(CSV_FILES) <= names, names)
        self.assertTrue(names <= set(CSV_FILES) | {"manifest.json"}, names)
        self.assert_secret_absent(PASSWORD, result.stdout, result.stderr)
        # Several pages of each kind were really fetched (the dataset is sized for it).
        stats = sim.stats()
        requests = stats["requests"]
        self.assertGreaterEqual(requests.get("search", 0), 4, stats)
        self.assertGreaterEqual(requests.get("kb", 0), 3, stats)
        self.assertGreaterEqual(requests.get("detection", 0), 3, stats)
        self.assertEqual(stats["dtd_fetches"], 0, stats)

    def test_transient_errors_are_retried_and_the_run_publishes_exactly(self):
        sim = self.start(Simulator(self.ws, extra=[
            "--fault", "search:429:1,nth=2",
            "--fault", "kb:reset-mid-body:200",
            "--fault", "detection:status:503,nth=2",
            "--fault", "detection:409-1965:1,nth=3",
        ]))
        self.ws.write_credentials(PASSWORD)
        config = self.ws.write_config(sim)
        result = run_insightd("run", "all", config=config)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assert_same_files(self.ws.output, self.expected(), CSV_FILES)
        self.assert_no_temp_files(self.ws.output)
        self.assertEqual(sim.stats()["faults_fired"], 4, sim.stats())

    def test_a_qualys_error_fails_the_run_and_keeps_the_previous_files(self):
        sim = self.start(Simulator(self.ws))
        self.ws.write_credentials(PASSWORD)
        config = self.ws.write_config(sim)
        first = run_insightd("run", "all", config=config)
        self.assertEqual(first.returncode, 0, first.stderr)
        before = harness.snapshot(self.ws.output)

        sim.add_faults("kb:2001,times=forever")
        result = run_insightd("run", "kb", config=config)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn("CODE 2001", result.stderr)
        self.assertIn("This account has expired.", result.stderr)
        self.assertEqual(harness.snapshot(self.ws.output), before)
        self.assert_no_temp_files(self.ws.output)
        self.assert_secret_absent(PASSWORD, result.stdout, result.stderr)

    def test_a_failing_job_does_not_stop_the_others_of_run_all(self):
        sim = self.start(Simulator(self.ws))
        self.ws.write_credentials(PASSWORD)
        config = self.ws.write_config(sim)
        sim.add_faults("detection:2001,times=forever")
        result = run_insightd("run", "all", config=config)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn("CODE 2001", result.stderr)
        expected = self.expected()
        self.assert_same_files(self.ws.output, expected, ("assets.csv", "vulnkb.csv", "cve.csv"))
        self.assertFalse(os.path.exists(os.path.join(self.ws.output, "vm.csv")))
        self.assert_no_temp_files(self.ws.output)


class LockedJobs(E2ETestCase):
    """A job whose lock another process holds is named and left out; the others run."""

    def setUp(self):
        super().setUp()
        self.sim = self.start(Simulator(self.ws))
        self.ws.write_credentials(PASSWORD)
        self.config = self.ws.write_config(self.sim)

    def hold_lock(self, job):
        """Holds <state.dir>/<job>.lock as another run would (flock), until the test ends."""
        fd = os.open(os.path.join(self.ws.state, f"{job}.lock"), os.O_RDWR | os.O_CREAT, 0o644)
        self.addCleanup(os.close, fd)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.write(fd, f"process {os.getpid()} (e2e holder), since 2026-12-03T08:00:00Z\n".encode())

    def test_a_job_locked_elsewhere_is_named_and_the_other_jobs_still_run(self):
        self.hold_lock("kb")
        result = run_insightd("run", "assets", "kb", "vm", config=self.config)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn(f"kb: not started: the job is already running in process {os.getpid()} "
                      f"(e2e holder)", result.stderr)
        self.assert_same_files(self.ws.output, self.expected(), ("assets.csv", "vm.csv"))
        self.assertFalse(os.path.exists(os.path.join(self.ws.output, "vulnkb.csv")))
        self.assertEqual(self.sim.stats()["requests"].get("kb", 0), 0)
        self.assertIn("not every job published: kb not started", result.stderr)
        self.assert_no_temp_files(self.ws.output)

    def test_every_locked_job_is_named_with_its_holder(self):
        self.hold_lock("kb")
        self.hold_lock("vm")
        result = run_insightd("run", "all", config=self.config)
        self.assertEqual(result.returncode, 1, result.stderr)
        for job in ("kb", "vm"):
            self.assertRegex(result.stderr, rf"{job}: not started: the job is already running in "
                                            rf"process {os.getpid()} \(e2e holder\).*"
                                            rf"{job}\.lock")
        self.assertIn("not every job published: kb not started, vm not started", result.stderr)
        self.assert_same_files(self.ws.output, self.expected(), ("assets.csv",))
        self.assert_no_temp_files(self.ws.output)


class ShrinkGuard(E2ETestCase):
    def test_a_file_shrinking_below_min_ratio_is_refused_until_run_force(self):
        self.ws.write_credentials(PASSWORD)
        with Simulator(self.ws, name="big") as big:
            config = self.ws.write_config(big)
            result = run_insightd("run", "assets", config=config)
            self.assertEqual(result.returncode, 0, result.stderr)
        before = harness.snapshot(self.ws.output)

        small_dataset = harness.DATASET[:]
        small_dataset[small_dataset.index("--assets") + 1] = "12"  # 45 -> 12 rows: below 0.5
        small = self.start(Simulator(self.ws, dataset=small_dataset, name="small"))
        config = self.ws.write_config(small)
        refused = run_insightd("run", "assets", config=config)
        self.assertEqual(refused.returncode, 1, refused.stderr)
        self.assertIn("jobs.assets.min_ratio", refused.stderr)
        self.assertIn("run --force assets", refused.stderr)
        self.assertEqual(harness.snapshot(self.ws.output), before)
        self.assert_no_temp_files(self.ws.output)

        forced = run_insightd("run", "--force", "assets", config=config)
        self.assertEqual(forced.returncode, 0, forced.stderr)
        expected = harness.write_expected(self.ws.path("expected-small"), small_dataset)
        self.assert_same_files(self.ws.output, expected, ("assets.csv",))


class WrongPassword(E2ETestCase):
    def setUp(self):
        super().setUp()
        self.sim = self.start(Simulator(self.ws))
        self.wrong = "Wr0ng&Pass=word%"
        self.ws.write_credentials(self.wrong)
        self.config = self.ws.write_config(self.sim)

    def check_failed_run(self, result):
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assert_secret_absent(self.wrong, result.stdout, result.stderr)
        self.assert_secret_absent(PASSWORD, result.stdout, result.stderr)
        self.assertEqual(os.listdir(self.ws.output), [])

    def test_api_v2_job_makes_exactly_one_basic_auth_attempt(self):
        result = run_insightd("run", "kb", config=self.config)
        self.check_failed_run(result)
        stats = self.sim.stats()
        self.assertEqual(stats["basic_auth_failed"], 1, stats)
        self.assertEqual(stats["basic_auth_ok"], 0, stats)
        self.assertEqual(stats["gateway_logins_failed"], 0, stats)

    def test_gateway_job_makes_exactly_one_login_attempt(self):
        result = run_insightd("run", "assets", config=self.config)
        self.check_failed_run(result)
        stats = self.sim.stats()
        self.assertEqual(stats["gateway_logins_failed"], 1, stats)
        self.assertEqual(stats["gateway_logins_ok"], 0, stats)

    def test_run_all_tries_the_credentials_once_per_kind_of_login(self):
        result = run_insightd("run", "all", config=self.config)
        self.check_failed_run(result)
        stats = self.sim.stats()
        self.assertEqual(stats["gateway_logins_failed"], 1, stats)
        # kb and vm start at the same moment and share the session: at most one request each
        # is in flight before the first 401 comes back; none is sent after it.
        self.assertIn(stats["basic_auth_failed"], (1, 2), stats)


if __name__ == "__main__":
    harness.main()
