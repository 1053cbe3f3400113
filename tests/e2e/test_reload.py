"""SIGHUP: new credentials take effect with the next run (a reload builds a new session); a
broken configuration is rejected and the running one keeps working."""

import signal

import harness
from harness import PASSWORD, Daemon, E2ETestCase, Simulator

WRONG = "Not-The&Right=Pass%word"


class Reload(E2ETestCase):
    def test_new_credentials_apply_after_sighup_and_a_broken_config_is_rejected(self):
        sim = self.start(Simulator(self.ws))  # accepts PASSWORD only
        self.ws.write_credentials(WRONG)
        self.ws.write_config(sim, jobs={"assets": {"enabled": False},
                                        "kb": {"schedule": "*/2 * * * * *"},
                                        "vm": {"enabled": False}})
        good_config = harness.read_bytes(self.ws.config)
        daemon = self.start(Daemon(self.ws))

        # Two failed runs with the wrong password; the session does not try rejected
        # credentials again, so Qualys saw one attempt in all.
        daemon.log.wait_for(r"kb: run \S+ failed", timeout=30)
        daemon.log.wait_for(r"kb: run \S+ failed", timeout=30)
        self.assertEqual(sim.stats()["basic_auth_failed"], 1, sim.stats())
        self.assertEqual(sim.stats()["basic_auth_ok"], 0, sim.stats())

        # The right password and SIGHUP: the next run succeeds.
        self.ws.write_credentials(PASSWORD)
        daemon.signal(signal.SIGHUP)
        daemon.log.wait_for(r"reloaded .*new credentials", timeout=15)
        daemon.log.wait_for(r"kb: run \S+ succeeded", timeout=60)
        self.assert_same_files(self.ws.output, self.expected(), ("vulnkb.csv", "cve.csv"))
        self.assertEqual(sim.stats()["basic_auth_failed"], 1, sim.stats())

        # Invalid YAML and SIGHUP: rejected with a log line; the old configuration keeps running.
        with open(self.ws.config, "w") as f:
            f.write("jobs: [this is: not, valid\n  yaml: {{\n")
        daemon.signal(signal.SIGHUP)
        daemon.log.wait_for(r"reload rejected", timeout=15)
        daemon.log.wait_for(r"kb: run \S+ succeeded", timeout=60)
        self.assertTrue(daemon.alive())

        # A valid configuration again (here: the same) is taken.
        with open(self.ws.config, "wb") as f:
            f.write(good_config)
        daemon.signal(signal.SIGHUP)
        daemon.log.wait_for(r"reloaded", timeout=15)

        daemon.signal(signal.SIGTERM)
        self.assertEqual(daemon.wait_exit(20), 0, daemon.log.text())
        self.assert_no_temp_files(self.ws.output)
        self.assert_secret_absent(PASSWORD, daemon.log.text())
        self.assert_secret_absent(WRONG, daemon.log.text())

    def test_a_reload_applies_a_new_schedule(self):
        sim = self.start(Simulator(self.ws))
        self.ws.write_credentials(PASSWORD)
        self.ws.write_config(sim, jobs={"assets": {"enabled": False}, "vm": {"enabled": False}})
        daemon = self.start(Daemon(self.ws))
        daemon.log.wait_for(r"started with")
        self.ws.write_config(sim, jobs={"assets": {"enabled": False},
                                        "vm": {"schedule": "*/2 * * * * *"}})
        daemon.signal(signal.SIGHUP)
        daemon.log.wait_for(r"reloaded", timeout=15)
        daemon.log.wait_for(r"vm: run \S+ succeeded", timeout=60)
        self.assert_same_files(self.ws.output, self.expected(), ("vm.csv",))
        daemon.signal(signal.SIGTERM)
        self.assertEqual(daemon.wait_exit(20), 0, daemon.log.text())


if __name__ == "__main__":
    harness.main()
