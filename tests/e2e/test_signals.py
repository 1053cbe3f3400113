"""SIGTERM in the middle of a run, and a one-shot `run` beside the daemon running the same job.
The simulator answers slowly (--ttfb-ms) so that a run is reliably in progress."""

import signal
import time

import harness
from harness import PASSWORD, Daemon, E2ETestCase, NotifySocket, Simulator, fields, run_insightd

SLOW = ["--ttfb-ms", "2000"]


class MidRun(E2ETestCase):
    def start_daemon_running_kb(self, notify=None):
        """Previous files in place, a slow simulator, the daemon inside a kb run."""
        self.sim = self.start(Simulator(self.ws, extra=SLOW))
        self.copy_expected_to_output(self.expected())
        self.before = harness.snapshot(self.ws.output)
        self.ws.write_credentials(PASSWORD)
        self.ws.write_config(self.sim, jobs={"assets": {"enabled": False},
                                             "kb": {"schedule": "*/2 * * * * *"},
                                             "vm": {"enabled": False}})
        daemon = self.start(Daemon(self.ws, notify=notify))
        daemon.log.wait_for(r"kb: run \S+ started", timeout=30)
        # The run's first request has reached the simulator (which holds it for 2 s).
        harness.wait_until(lambda: self.sim.stats()["requests"].get("kb", 0) >= 1, 10,
                           "the kb run's first request")
        return daemon

    def test_sigterm_during_a_run_exits_0_quickly_and_keeps_the_previous_files(self):
        notify = self.start(NotifySocket(self.ws))
        daemon = self.start_daemon_running_kb(notify)
        started = time.monotonic()
        daemon.signal(signal.SIGTERM)
        code = daemon.wait_exit(15)
        elapsed = time.monotonic() - started
        self.assertEqual(code, 0, daemon.log.text())
        self.assertLess(elapsed, 5, daemon.log.text())
        notify.wait_for(lambda m: fields(m).get("STOPPING") == "1", timeout=5, what="STOPPING=1")
        self.assertRegex(daemon.log.text(), r"kb: run \S+ cancelled")
        self.assertEqual(harness.snapshot(self.ws.output), self.before)
        self.assert_no_temp_files(self.ws.output)
        status = run_insightd("status", config=self.ws.config)
        self.assertRegex(status.stdout, r"(?m)^kb: cancelled")

    def test_a_one_shot_run_of_the_job_the_daemon_is_running_names_the_holder(self):
        daemon = self.start_daemon_running_kb()
        result = run_insightd("run", "kb", config=self.ws.config, timeout=30)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn("already running", result.stderr)
        self.assertIn(f"process {daemon.pid} (daemon)", result.stderr)
        self.assertTrue(daemon.alive())
        self.assertEqual(harness.snapshot(self.ws.output), self.before)
        daemon.signal(signal.SIGTERM)
        self.assertEqual(daemon.wait_exit(15), 0, daemon.log.text())

    def test_sigterm_to_a_one_shot_run_exits_4_and_keeps_the_previous_files(self):
        self.sim = self.start(Simulator(self.ws, extra=SLOW))
        self.copy_expected_to_output(self.expected())
        before = harness.snapshot(self.ws.output)
        self.ws.write_credentials(PASSWORD)
        config = self.ws.write_config(self.sim)
        log = harness.LogFile(self.ws.path("run.log"))
        with open(log.path, "wb") as out:
            proc = self.start(harness.Process([harness.insightd(), "--config", config, "run", "all"],
                                              out))
        log.proc = proc.proc
        log.wait_for(r"vm: run \S+ started", timeout=30)
        harness.wait_until(lambda: sum(self.sim.stats()["requests"].values()) >= 2, 10,
                           "the run's first requests")
        started = time.monotonic()
        proc.proc.send_signal(signal.SIGTERM)
        code = proc.wait(15)
        self.assertEqual(code, 4, log.text())
        self.assertLess(time.monotonic() - started, 5, log.text())
        self.assertEqual(harness.snapshot(self.ws.output), before)
        self.assert_no_temp_files(self.ws.output)


if __name__ == "__main__":
    harness.main()
