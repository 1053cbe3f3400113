"""The command line: usage, `check`, `next`. None of these talk to Qualys."""

import datetime
import os
import re

import harness
from harness import PASSWORD, E2ETestCase, run_insightd

COMMANDS = ("run", "check", "next", "status", "convert")


class Usage(E2ETestCase):
    def test_unknown_command_is_a_usage_error(self):
        result = run_insightd("frobnicate")
        self.assertEqual(result.returncode, 2)
        self.assertIn("frobnicate", result.stderr)
        self.assertIn("Usage:", result.stderr)

    def test_unknown_job_is_a_usage_error(self):
        result = run_insightd("run", "everything")
        self.assertEqual(result.returncode, 2)
        self.assertIn("everything", result.stderr)

    def test_help_lists_every_command(self):
        result = run_insightd("--help")
        self.assertEqual(result.returncode, 0)
        for command in COMMANDS:
            self.assertRegex(result.stdout, rf"(?m)^\s+{command}\b")

    def test_version_prints_the_program_and_a_version(self):
        result = run_insightd("--version")
        self.assertEqual(result.returncode, 0)
        self.assertRegex(result.stdout, r"^qualys-insightd \d+\.\d+\.\d+")


class Check(E2ETestCase):
    def setUp(self):
        super().setUp()
        self.ws.write_credentials(PASSWORD)

    def check(self):
        result = run_insightd("check", config=self.ws.config)
        self.assert_secret_absent(PASSWORD, result.stdout, result.stderr)
        return result, result.stdout + result.stderr

    def test_a_valid_configuration_passes(self):
        self.ws.write_config()
        result, output = self.check()
        self.assertEqual(result.returncode, 0, output)
        self.assertIn("OK", output)
        self.assertNotIn("warning", output)

    def test_an_unknown_key_is_rejected_by_its_path(self):
        self.ws.write_config(jobs={"kb": {"windw_size": 5}})
        result, output = self.check()
        self.assertEqual(result.returncode, 3, output)
        self.assertIn("jobs.kb.windw_size", output)

    def test_a_bad_cron_schedule_is_rejected_by_its_path(self):
        self.ws.write_config(jobs={"vm": {"schedule": "61 * * * *"}})
        result, output = self.check()
        self.assertEqual(result.returncode, 3, output)
        self.assertIn("jobs.vm.schedule", output)
        self.assertIn("61", output)

    def test_an_unknown_time_zone_is_rejected_by_its_path(self):
        self.ws.write_config(jobs={"kb": {"time_zone": "Mars/Olympus_Mons"}})
        result, output = self.check()
        self.assertEqual(result.returncode, 3, output)
        self.assertIn("jobs.kb.time_zone", output)

    def test_every_problem_is_listed_at_once(self):
        self.ws.write_config(jobs={"kb": {"windw_size": 5}, "vm": {"bogus": 1}})
        result, output = self.check()
        self.assertEqual(result.returncode, 3, output)
        self.assertIn("jobs.kb.windw_size", output)
        self.assertIn("jobs.vm.bogus", output)

    def test_a_missing_credentials_file_is_a_configuration_error(self):
        self.ws.write_config()
        os.remove(self.ws.credentials)
        result, output = self.check()
        self.assertEqual(result.returncode, 3, output)
        self.assertIn(self.ws.credentials, output)

    def test_a_group_readable_credentials_file_gives_a_warning(self):
        self.ws.write_config()
        os.chmod(self.ws.credentials, 0o640)
        result, output = self.check()
        self.assertEqual(result.returncode, 0, output)
        self.assertRegex(output, r"(?i)warning")
        self.assertIn(self.ws.credentials, output)

    def test_run_with_an_invalid_configuration_exits_3(self):
        self.ws.write_config(jobs={"kb": {"windw_size": 5}})
        result = run_insightd("run", "kb", config=self.ws.config)
        self.assertEqual(result.returncode, 3, result.stderr)
        self.assertIn("jobs.kb.windw_size", result.stderr)

    def test_a_missing_configuration_file_is_a_configuration_error(self):
        result = run_insightd("check", config=self.ws.path("nonexistent.yaml"))
        self.assertEqual(result.returncode, 3, result.stdout + result.stderr)


class Next(E2ETestCase):
    def test_prints_the_requested_number_of_times_of_a_six_field_schedule_in_its_zone(self):
        self.ws.write_credentials(PASSWORD)
        self.ws.write_config(jobs={
            "assets": {"enabled": False},
            "kb": {"schedule": "*/10 * * * * *", "time_zone": "Europe/Berlin"},
            "vm": {"enabled": False},
        })
        before = datetime.datetime.now(datetime.timezone.utc)
        result = run_insightd("next", "--count", "3", config=self.ws.config)
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = result.stdout.splitlines()
        self.assertIn("assets: disabled", lines)
        self.assertIn("vm: disabled", lines)
        start = lines.index(next(line for line in lines if line.startswith("kb:")))
        self.assertIn("Europe/Berlin", lines[start])
        times = []
        for line in lines[start + 1:]:
            match = re.match(r"^\s+(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) (CES?T) \(([+-]\d{4})\)$", line)
            if not match:
                break
            offset = datetime.datetime.strptime(match.group(3), "%z").tzinfo
            times.append(datetime.datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S")
                         .replace(tzinfo=offset))
        self.assertEqual(len(times), 3, result.stdout)
        for t in times:
            self.assertEqual(t.second % 10, 0, result.stdout)
        self.assertEqual(times[1] - times[0], datetime.timedelta(seconds=10))
        self.assertEqual(times[2] - times[1], datetime.timedelta(seconds=10))
        self.assertGreater(times[0], before - datetime.timedelta(seconds=1))
        self.assertLessEqual(times[0], before + datetime.timedelta(seconds=15))

    def test_a_count_of_zero_is_a_usage_error(self):
        result = run_insightd("next", "--count", "0")
        self.assertEqual(result.returncode, 2)


if __name__ == "__main__":
    harness.main()
