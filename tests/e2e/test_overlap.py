"""A firing that comes while the job's previous run is still active is skipped and logged; the
run in progress is not disturbed and later firings run again."""

import signal

import harness
from harness import PASSWORD, Daemon, E2ETestCase, Simulator


class Overlap(E2ETestCase):
    def test_a_firing_during_an_active_run_is_skipped_and_logged(self):
        # Every Qualys response takes 2.5 s to start, the job fires every second.
        sim = self.start(Simulator(self.ws, extra=["--ttfb-ms", "2500"]))
        self.ws.write_credentials(PASSWORD)
        self.ws.write_config(sim, jobs={"assets": {"enabled": False},
                                        "kb": {"enabled": False},
                                        "vm": {"schedule": "* * * * * *", "timeout": "60s"}})
        daemon = self.start(Daemon(self.ws))
        daemon.log.wait_for(r"vm: run \S+ started", timeout=20)
        daemon.log.wait_for(r"vm: firing of \S+ skipped: run \S+ is still active", timeout=20)
        daemon.log.wait_for(r"vm: run \S+ succeeded", timeout=60)
        mark = daemon.log.mark()
        daemon.log.wait_for(r"vm: run \S+ started", timeout=20, since=mark)
        text = daemon.log.text()
        # Never two runs of the job at once: each start is followed by its end before the next.
        starts = ends = 0
        for line in text.splitlines():
            if "vm: run" in line and " started" in line:
                starts += 1
                self.assertEqual(starts, ends + 1, "a second vm run started before the first ended")
            elif "vm: run" in line and (" succeeded" in line or " failed" in line):
                ends += 1
        daemon.signal(signal.SIGTERM)
        self.assertEqual(daemon.wait_exit(20), 0, daemon.log.text())


if __name__ == "__main__":
    harness.main()
