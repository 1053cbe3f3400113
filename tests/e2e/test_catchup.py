"""A firing missed while the daemon was down runs at start if it is within the job's
catch_up_window, and is skipped (with a warning) if older. The state file says the job was last
scheduled two days ago; a daily schedule in UTC at the minute two hours ago makes the missed
firing deterministic (and the next one is ~22 hours away, so no regular firing interferes)."""

import datetime
import json
import os
import signal
import unittest

import harness
from harness import PASSWORD, Daemon, E2ETestCase, Simulator


class CatchUp(E2ETestCase):
    def start_with_missed_firing(self, window, missed_ago=datetime.timedelta(hours=2),
                                 monthly=False):
        sim = self.start(Simulator(self.ws))
        self.ws.write_credentials(PASSWORD)
        now = datetime.datetime.now(datetime.timezone.utc)
        missed = now - missed_ago
        day = missed.day if monthly else "*"
        self.ws.write_config(sim, jobs={"assets": {"enabled": False},
                                        "kb": {"schedule": f"{missed.minute} {missed.hour} {day} * *",
                                               "time_zone": "UTC", "catch_up_window": window},
                                        "vm": {"enabled": False}})
        last = missed - datetime.timedelta(days=2)
        state = {"jobs": {"kb": {"last_scheduled": last.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                 "result": "succeeded"}}}
        with open(os.path.join(self.ws.state, "state.json"), "w") as f:
            json.dump(state, f)
        return self.start(Daemon(self.ws))

    def test_a_missed_firing_within_the_window_runs_at_start(self):
        daemon = self.start_with_missed_firing("3h")
        daemon.log.wait_for(r"kb: the firing of \S+ was missed while the daemon was down; running it now")
        daemon.log.wait_for(r"kb: run \S+ succeeded", timeout=60)
        self.assert_same_files(self.ws.output, self.expected(), ("vulnkb.csv", "cve.csv"))
        daemon.signal(signal.SIGTERM)
        self.assertEqual(daemon.wait_exit(20), 0, daemon.log.text())

    def test_a_missed_firing_older_than_the_window_is_skipped(self):
        daemon = self.start_with_missed_firing("1h")
        daemon.log.wait_for(r"kb: the firing of \S+ was missed .* older than the catch-up window")
        daemon.log.wait_for(r"started with")
        daemon.signal(signal.SIGTERM)
        self.assertEqual(daemon.wait_exit(20), 0, daemon.log.text())
        self.assertNotRegex(daemon.log.text(), r"kb: run \S+ started")
        self.assertEqual(os.listdir(self.ws.output), [])

    def test_a_monthly_firing_missed_ten_days_ago_runs_within_a_30_day_window(self):
        daemon = self.start_with_missed_firing("30d", missed_ago=datetime.timedelta(days=10),
                                               monthly=True)
        daemon.log.wait_for(r"started with")  # logged after the catch-up decisions
        self.assertRegex(daemon.log.text(), r"kb: the firing of \S+ was missed")


if __name__ == "__main__":
    harness.main()
