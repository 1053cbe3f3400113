"""The daemon (no command): it fires a 6-field schedule, publishes, speaks the systemd notify
protocol (READY, STATUS, WATCHDOG, RELOADING, STOPPING) to a socket the test binds, and
`status` shows what it did."""

import os
import re
import signal

import harness
from harness import PASSWORD, Daemon, E2ETestCase, NotifySocket, Simulator, fields, run_insightd

EVERY_2S = "*/2 * * * * *"
WATCHDOG_USEC = 2_000_000


class NotifyProtocol(E2ETestCase):
    def test_publishes_on_schedule_and_notifies_systemd_through_its_life(self):
        sim = self.start(Simulator(self.ws))
        self.ws.write_credentials(PASSWORD)
        self.ws.write_config(sim, jobs={"assets": {"enabled": False},
                                        "kb": {"schedule": EVERY_2S},
                                        "vm": {"enabled": False}})
        notify = self.start(NotifySocket(self.ws))
        daemon = self.start(Daemon(self.ws, notify=notify, watchdog_usec=WATCHDOG_USEC))

        # READY=1 comes first, with a STATUS naming the job.
        _, first = notify.wait_for(lambda m: True, what="the first notification")
        self.assertEqual(fields(first).get("READY"), "1", first)
        self.assertIn("kb:", fields(first).get("STATUS", ""), first)

        # STATUS follows a run on the schedule, which publishes the KB files exactly.
        notify.wait_for(lambda m: fields(m).get("STATUS", "").startswith("kb: running"),
                        what="STATUS kb: running")
        notify.wait_for(lambda m: fields(m).get("STATUS", "").startswith("kb: next"),
                        what="STATUS kb: next after the run")
        daemon.log.wait_for(r"kb: run \S+ succeeded", timeout=60)
        self.assert_same_files(self.ws.output, self.expected(), ("vulnkb.csv", "cve.csv"))

        # WATCHDOG=1 at about half of WATCHDOG_USEC, i.e. every second.
        harness.wait_until(lambda: notify.count("WATCHDOG=1") >= 4, 15, "four WATCHDOG=1")
        pings = [t for t, m in list(notify.messages) if "WATCHDOG=1" in m.splitlines()]
        gaps = [round(b - a, 2) for a, b in zip(pings, pings[1:])]
        for gap in gaps:
            self.assertGreater(gap, 0.5, gaps)
            self.assertLess(gap, 1.9, gaps)

        # `status` reads the state the daemon keeps.
        status = run_insightd("status", config=self.ws.config)
        self.assertEqual(status.returncode, 0, status.stderr)
        self.assertRegex(status.stdout, r"(?m)^kb: (succeeded|running)")
        self.assertRegex(status.stdout, r"published\s+vulnkb\.csv: \d+ rows")
        self.assertRegex(status.stdout, r"last success")
        self.assertRegex(status.stdout, r"next run")

        # SIGHUP: RELOADING=1 (with MONOTONIC_USEC), then READY=1 again.
        notify.mark()
        daemon.signal(signal.SIGHUP)
        _, reloading = notify.wait_for(lambda m: fields(m).get("RELOADING") == "1",
                                       what="RELOADING=1")
        self.assertRegex(fields(reloading).get("MONOTONIC_USEC", ""), r"^\d+$")
        notify.wait_for(lambda m: fields(m).get("READY") == "1", what="READY=1 after the reload")
        daemon.log.wait_for(r"reloaded")

        # SIGTERM: STOPPING=1 and exit 0.
        daemon.signal(signal.SIGTERM)
        notify.wait_for(lambda m: fields(m).get("STOPPING") == "1", what="STOPPING=1")
        self.assertEqual(daemon.wait_exit(20), 0, daemon.log.text())
        self.assert_no_temp_files(self.ws.output)
        self.assert_secret_absent(PASSWORD, daemon.log.text())

    def test_without_watchdog_usec_it_sends_no_watchdog_pings(self):
        sim = self.start(Simulator(self.ws))
        self.ws.write_credentials(PASSWORD)
        self.ws.write_config(sim, jobs={"assets": {"enabled": False},
                                        "kb": {"schedule": EVERY_2S},
                                        "vm": {"enabled": False}})
        notify = self.start(NotifySocket(self.ws))
        daemon = self.start(Daemon(self.ws, notify=notify))
        notify.wait_for(lambda m: fields(m).get("READY") == "1", what="READY=1")
        daemon.log.wait_for(r"kb: run \S+ succeeded", timeout=60)
        daemon.signal(signal.SIGTERM)
        notify.wait_for(lambda m: fields(m).get("STOPPING") == "1", what="STOPPING=1")
        self.assertEqual(daemon.wait_exit(20), 0)
        self.assertEqual(notify.count("WATCHDOG=1"), 0, notify.messages)


class RateLimitStatus(E2ETestCase):
    def test_status_says_what_a_run_is_waiting_for_during_a_rate_limit_pause(self):
        sim = self.start(Simulator(self.ws))
        # Every API v2 answer: 3 calls left, below the reserve of 5, so every call pauses the
        # next (90 s uncapped; capped at max_server_wait, 3 s).
        sim.add_faults("any:low-remaining:3,times=forever")
        self.ws.write_credentials(PASSWORD)
        config = self.ws.write_config(sim, jobs={"assets": {"enabled": False},
                                                 "kb": {"schedule": EVERY_2S},
                                                 "vm": {"enabled": False}})
        with open(config) as f:
            text = f.read()
        with open(config, "w") as f:
            f.write(text.replace("backoff_max: 500ms}", "backoff_max: 500ms, max_server_wait: 3s}"))
        notify = self.start(NotifySocket(self.ws))
        daemon = self.start(Daemon(self.ws, notify=notify))
        _, message = notify.wait_for(
            lambda m: "; waiting" in fields(m).get("STATUS", ""), timeout=60,
            what="STATUS with the pause")
        self.assertRegex(fields(message)["STATUS"],
                         r"^kb: running \(.*rows; waiting [1-3] s: Qualys rate limit, 3 calls "
                         r"left in the 3600 s window\)")
        daemon.log.wait_for(r"pausing every Qualys call for 3\.0 s: Qualys rate limit, 3 calls left")
        daemon.log.wait_for(r"kb: run \S+ succeeded", timeout=60)
        daemon.signal(signal.SIGTERM)
        self.assertEqual(daemon.wait_exit(20), 0, daemon.log.text())


class Startup(E2ETestCase):
    def test_an_invalid_configuration_stops_the_daemon_with_exit_3(self):
        self.ws.write_credentials(PASSWORD)
        self.ws.write_config(jobs={"kb": {"schedule": "* * *"}})
        daemon = self.start(Daemon(self.ws))
        self.assertEqual(daemon.wait_exit(20), 3)
        self.assertIn("jobs.kb.schedule", daemon.log.text())

    def test_a_group_readable_credentials_file_is_warned_about_at_start(self):
        sim = self.start(Simulator(self.ws))
        self.ws.write_credentials(PASSWORD, mode=0o640)
        self.ws.write_config(sim)
        daemon = self.start(Daemon(self.ws))
        daemon.log.wait_for(r"started with")
        self.assertRegex(daemon.log.text(), r"(?m) warn.*" + re.escape(self.ws.credentials))
        daemon.signal(signal.SIGTERM)
        self.assertEqual(daemon.wait_exit(20), 0)
        self.assertEqual(os.listdir(self.ws.output), [])


class Jitter(E2ETestCase):
    def test_a_firing_waits_its_stable_jitter_before_the_run(self):
        sim = self.start(Simulator(self.ws))
        self.ws.write_credentials(PASSWORD)
        self.ws.write_config(sim, jobs={"assets": {"enabled": False},
                                        "kb": {"schedule": EVERY_2S, "jitter": "1500ms"},
                                        "vm": {"enabled": False}})
        daemon = self.start(Daemon(self.ws))
        line = daemon.log.wait_for(r"kb: waiting (\d+\.\d) s \(jobs\.kb\.jitter\) before starting "
                                   r"run \S+", timeout=30)
        delays = re.findall(r"kb: waiting (\d+\.\d) s", daemon.log.text())
        self.assertTrue(delays, line)
        self.assertLess(float(delays[0]), 1.5)
        daemon.log.wait_for(r"kb: run \S+ succeeded", timeout=30)
        # The same delay on every firing: it is derived from the job's name.
        daemon.log.wait_for(r"kb: waiting", timeout=30)
        delays = re.findall(r"kb: waiting (\d+\.\d) s", daemon.log.text())
        self.assertEqual(len(set(delays)), 1, delays)
        daemon.signal(signal.SIGTERM)
        self.assertEqual(daemon.wait_exit(20), 0, daemon.log.text())


if __name__ == "__main__":
    harness.main()
