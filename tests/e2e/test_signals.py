"""SIGTERM in the middle of a run, SIGHUP to a one-shot `run` (a dropped SSH session), a `run`
whose output pipe closes early, and a one-shot `run` beside the daemon running the same job.
The simulator answers slowly (--ttfb-ms) so that a run is reliably in progress."""

import signal
import subprocess
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

    def interrupt_a_one_shot_run(self, signum, wrapper=()):
        """`run all` (under `wrapper`) against a slow simulator with the previous files in
        place, `signum` once its first requests are out; returns the exit code, the log text
        and the seconds from the signal to the exit."""
        self.sim = self.start(Simulator(self.ws, extra=SLOW))
        self.copy_expected_to_output(self.expected())
        self.before = harness.snapshot(self.ws.output)
        self.ws.write_credentials(PASSWORD)
        config = self.ws.write_config(self.sim)
        log = harness.LogFile(self.ws.path("run.log"))
        with open(log.path, "wb") as out:
            proc = self.start(harness.Process(
                [*wrapper, harness.insightd(), "--config", config, "run", "all"], out))
        log.proc = proc.proc
        log.wait_for(r"vm: run \S+ started", timeout=30)
        harness.wait_until(lambda: sum(self.sim.stats()["requests"].values()) >= 2, 10,
                           "the run's first requests")
        started = time.monotonic()
        proc.proc.send_signal(signum)
        code = proc.wait(60)
        return code, log.text(), time.monotonic() - started

    def test_sigterm_to_a_one_shot_run_exits_4_and_keeps_the_previous_files(self):
        code, log, elapsed = self.interrupt_a_one_shot_run(signal.SIGTERM)
        self.assertEqual(code, 4, log)
        self.assertLess(elapsed, 5, log)
        self.assertEqual(harness.snapshot(self.ws.output), self.before)
        self.assert_no_temp_files(self.ws.output)

    def test_sighup_to_a_one_shot_run_cancels_it_like_sigterm(self):
        # A dropped SSH session sends SIGHUP to the foreground `run`.
        code, log, elapsed = self.interrupt_a_one_shot_run(signal.SIGHUP)
        self.assertEqual(code, 4, log)
        self.assertLess(elapsed, 5, log)
        self.assertIn("received SIGHUP", log)
        self.assertRegex(log, r"vm: run \S+ cancelled")
        self.assertEqual(harness.snapshot(self.ws.output), self.before)
        self.assert_no_temp_files(self.ws.output)

    def test_a_run_started_with_nohup_ignores_sighup_and_publishes(self):
        # nohup starts the run with SIGHUP ignored: a dropped session must not cancel it then.
        code, log, _ = self.interrupt_a_one_shot_run(signal.SIGHUP, wrapper=("nohup",))
        self.assertEqual(code, 0, log)
        self.assertNotIn("received SIGHUP", log)
        for job in ("assets", "kb", "vm"):
            self.assertRegex(log, rf"{job}: run \S+ succeeded")
        self.assert_same_files(self.ws.output, self.expected(), harness.CSV_FILES)
        self.assert_no_temp_files(self.ws.output)


class ClosedOutput(E2ETestCase):
    @staticmethod
    def kill_if_running(proc):
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        if not proc.stdout.closed:
            proc.stdout.close()

    def test_a_run_whose_output_pipe_closes_early_still_publishes_every_file(self):
        # `run all 2>&1 | head -1`: the reader goes away after the first line. The simulator
        # answers slowly, so every later log line is written after the pipe has closed.
        sim = self.start(Simulator(self.ws, extra=["--ttfb-ms", "300"]))
        self.ws.write_credentials(PASSWORD)
        config = self.ws.write_config(sim)
        proc = subprocess.Popen([harness.insightd(), "--config", config, "run", "all"],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, env=harness.clean_env())
        self.addCleanup(self.kill_if_running, proc)
        self.assertRegex(proc.stdout.readline().decode(), r"run \S+ started")
        proc.stdout.close()
        try:
            code = proc.wait(60)
        except subprocess.TimeoutExpired:
            raise AssertionError("run all did not exit within 60 s") from None
        self.assertEqual(code, 0, "killed by SIGPIPE" if code == -signal.SIGPIPE else code)
        self.assert_same_files(self.ws.output, self.expected(), harness.CSV_FILES)
        self.assert_no_temp_files(self.ws.output)


if __name__ == "__main__":
    harness.main()
