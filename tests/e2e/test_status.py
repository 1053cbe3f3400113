"""`status` and `status --json` as a monitoring check: exit 0 when every enabled job is fine,
6 when a job's last run under the daemon failed or a job is overdue, and the JSON says why."""

import datetime
import json
import os
import signal

from harness import PASSWORD, Daemon, E2ETestCase, Simulator, main, run_insightd

EXIT_ATTENTION = 6


def once_in(seconds):
    """A 6-field UTC schedule that fires once, `seconds` from now (and again only next year)."""
    at = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=seconds)
    return f"{at.second} {at.minute} {at.hour} {at.day} {at.month} *"


class StatusExitCode(E2ETestCase):
    def status_json(self, expected_code):
        result = run_insightd("status", "--json", config=self.ws.config)
        self.assertEqual(result.returncode, expected_code, result.stdout + result.stderr)
        return json.loads(result.stdout)

    def job(self, status, name):
        return next(job for job in status["jobs"] if job["name"] == name)

    def run_kb_once_under_the_daemon(self, sim, outcome):
        self.ws.write_config(sim, jobs={"assets": {"enabled": False},
                                        "kb": {"schedule": once_in(5), "time_zone": "UTC"},
                                        "vm": {"enabled": False}})
        daemon = self.start(Daemon(self.ws))
        daemon.log.wait_for(rf"kb: run \S+ {outcome}", timeout=60)
        daemon.signal(signal.SIGTERM)
        self.assertEqual(daemon.wait_exit(20), 0, daemon.log.text())

    def test_after_a_successful_run_all_it_exits_0_and_lists_the_manifest(self):
        sim = self.start(Simulator(self.ws))
        self.ws.write_credentials(PASSWORD)
        self.ws.write_config(sim)
        run = run_insightd("run", "all", config=self.ws.config)
        self.assertEqual(run.returncode, 0, run.stderr)

        status = self.status_json(0)
        self.assertFalse(status["needs_attention"])
        self.assertEqual(status["output_dir"], self.ws.output)
        self.assertEqual(sorted(status["manifest"]),
                         ["assets.csv", "cve.csv", "vm.csv", "vulnkb.csv"])
        vulnkb = status["manifest"]["vulnkb.csv"]
        self.assertEqual(vulnkb["job"], "kb")
        self.assertGreater(vulnkb["rows"], 0)
        self.assertEqual(vulnkb["bytes"], os.path.getsize(os.path.join(self.ws.output, "vulnkb.csv")))
        self.assertEqual([job["name"] for job in status["jobs"]], ["assets", "kb", "vm"])
        self.assertEqual(run_insightd("status", config=self.ws.config).returncode, 0)

    def test_after_a_successful_run_of_the_daemon_it_exits_0_with_every_field(self):
        sim = self.start(Simulator(self.ws))
        self.ws.write_credentials(PASSWORD)
        self.run_kb_once_under_the_daemon(sim, "succeeded")

        status = self.status_json(0)
        kb = self.job(status, "kb")
        for field in ("name", "enabled", "schedule", "time_zone", "last_run", "last_success",
                      "published", "next_firing", "last_run_failed", "overdue",
                      "overdue_since_firing", "needs_attention", "reasons", "incremental"):
            self.assertIn(field, kb)
        self.assertTrue(kb["enabled"])
        self.assertEqual(kb["last_run"]["result"], "succeeded")
        for field in ("id", "scheduled", "started", "finished", "error"):
            self.assertIn(field, kb["last_run"])
        self.assertEqual(kb["last_success"], kb["last_run"]["finished"])
        self.assertEqual(sorted(f["name"] for f in kb["published"]), ["cve.csv", "vulnkb.csv"])
        self.assertFalse(kb["overdue"])
        self.assertEqual(kb["reasons"], [])
        self.assertFalse(self.job(status, "assets")["enabled"])

    def test_after_a_failed_run_of_the_daemon_it_exits_6_and_says_why(self):
        sim = self.start(Simulator(self.ws))
        wrong = "Wr0ng&Pass=word%"
        self.ws.write_credentials(wrong)
        self.run_kb_once_under_the_daemon(sim, "failed")

        status = self.status_json(EXIT_ATTENTION)
        self.assertTrue(status["needs_attention"])
        kb = self.job(status, "kb")
        self.assertTrue(kb["last_run_failed"])
        self.assertFalse(kb["overdue"])
        self.assertEqual(kb["last_run"]["result"], "failed")
        self.assertRegex(kb["reasons"][0], r"^last run kb-\S+ failed: ")
        self.assert_secret_absent(wrong, json.dumps(status))

        text = run_insightd("status", config=self.ws.config)
        self.assertEqual(text.returncode, EXIT_ATTENTION, text.stderr)
        self.assertRegex(text.stdout, r"(?m)^needs attention:\n  kb: last run kb-\S+ failed: ")

    def test_a_job_without_a_success_since_a_past_firing_is_overdue(self):
        self.ws.write_credentials(PASSWORD)
        self.ws.write_config(jobs={"assets": {"enabled": False},
                                   "kb": {"schedule": "0 2 * * *", "time_zone": "UTC"},
                                   "vm": {"enabled": False}})
        # As the daemon leaves it after a success on 2 November, if nothing ran since.
        with open(os.path.join(self.ws.state, "state.json"), "w") as f:
            json.dump({"jobs": {"kb": {
                "last_scheduled": "2026-11-02T02:00:00Z", "run_id": "kb-20261102T020000Z-1a2b",
                "started": "2026-11-02T02:00:00Z", "finished": "2026-11-02T02:10:00Z",
                "result": "succeeded", "error": "", "files": [],
                "last_success": "2026-11-02T02:10:00Z",
                "next_firing": "2026-11-03T02:00:00Z"}}}, f)

        status = self.status_json(EXIT_ATTENTION)
        kb = self.job(status, "kb")
        self.assertTrue(kb["overdue"])
        self.assertFalse(kb["last_run_failed"])
        self.assertRegex(kb["overdue_since_firing"], r"T02:00:00Z$")
        self.assertGreater(kb["overdue_since_firing"], "2026-11-03")
        self.assertRegex(kb["reasons"][0],
                         r"^overdue: no successful run since the firing of \S+T02:00:00Z, which "
                         r"should have finished by \S+T02:16:00Z \(timeout 60 s \+ jitter 0 s \+ "
                         r"15 min grace\); last success 2026-11-02T02:10:00Z$")

        text = run_insightd("status", config=self.ws.config)
        self.assertEqual(text.returncode, EXIT_ATTENTION, text.stderr)
        self.assertIn("needs attention:\n  kb: overdue: no successful run since", text.stdout)

    def test_a_corrupt_state_file_keeps_exit_code_1(self):
        self.ws.write_credentials(PASSWORD)
        self.ws.write_config()
        with open(os.path.join(self.ws.state, "state.json"), "w") as f:
            f.write("{not json")
        result = run_insightd("status", "--json", config=self.ws.config)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn("is not a valid state file", result.stderr)


if __name__ == "__main__":
    main()
