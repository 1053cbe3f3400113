"""A job whose Qualys call hangs hits its timeout: nothing published, the daemon keeps running
and fires the job again."""

import signal

import harness
from harness import PASSWORD, Daemon, E2ETestCase, Simulator, run_insightd


class HungJob(E2ETestCase):
    def test_a_hung_vm_run_times_out_and_the_next_firing_happens(self):
        sim = self.start(Simulator(self.ws))
        self.ws.write_credentials(PASSWORD)
        # Firings 10 s apart for a 3 s timeout: the check for temp files after a timeout must
        # not see the next run's (with firings 4 s apart, one came just after a late run timed
        # out, under ASan).
        self.ws.write_config(sim, jobs={"assets": {"enabled": False},
                                        "kb": {"enabled": False},
                                        "vm": {"schedule": "*/10 * * * * *", "timeout": "3s"}})
        first = run_insightd("run", "vm", config=self.ws.config)
        self.assertEqual(first.returncode, 0, first.stderr)
        before = harness.snapshot(self.ws.output)

        # Every vm run after the first is incremental and starts with the host ID list.
        sim.add_faults("hostlist:hang,times=forever")
        daemon = self.start(Daemon(self.ws))
        daemon.log.wait_for(r"vm: run \S+ timed out", timeout=30)
        self.assertEqual(harness.snapshot(self.ws.output), before)
        self.assert_no_temp_files(self.ws.output)
        self.assertTrue(daemon.alive())

        # The next firing happens; once Qualys answers again, a run publishes.
        daemon.log.wait_for(r"vm: run \S+ started", timeout=15)
        sim.clear_faults()
        daemon.log.wait_for(r"vm: run \S+ succeeded", timeout=30)
        self.assert_same_files(self.ws.output, self.expected(), ("vm.csv",))

        daemon.signal(signal.SIGTERM)
        self.assertEqual(daemon.wait_exit(20), 0, daemon.log.text())
        status = run_insightd("status", config=self.ws.config)
        self.assertRegex(status.stdout, r"(?m)^vm: succeeded")


if __name__ == "__main__":
    harness.main()
