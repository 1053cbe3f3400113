"""The command line: usage, `check`, `next`. None of these talk to Qualys."""

import datetime
import json
import os
import re
import shutil
import subprocess

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

    def replace_in_config(self, old, new):
        with open(self.ws.config) as f:
            text = f.read()
        self.assertIn(old, text)
        with open(self.ws.config, "w") as f:
            f.write(text.replace(old, new))

    def set_ca_file(self, path):
        self.replace_in_config('ca_file: ""', f"ca_file: {json.dumps(path)}")

    def test_a_not_a_number_shrink_guard_is_rejected_by_its_path(self):
        self.ws.write_config(jobs={"kb": {"min_ratio": "nan"}})
        result, output = self.check()
        self.assertEqual(result.returncode, 3, output)
        self.assertIn("jobs.kb.min_ratio: must be a number from 0 to 1", output)

    def test_a_timeout_beyond_its_maximum_is_rejected_by_its_path(self):
        self.ws.write_config(jobs={"vm": {"timeout": "107000d"}})
        result, output = self.check()
        self.assertEqual(result.returncode, 3, output)
        self.assertIn('jobs.vm.timeout: must be at most 7d, got "107000d"', output)

    def test_a_schedule_that_never_fires_is_rejected_with_the_reason(self):
        self.ws.write_config(jobs={"vm": {"schedule": "0 0 30 2 *"}})
        result, output = self.check()
        self.assertEqual(result.returncode, 3, output)
        self.assertIn('jobs.vm.schedule: "0 0 30 2 *" never fires: no month it selects '
                      '(February) has a day it selects (30)', output)

    def test_a_disabled_job_may_keep_a_schedule_that_never_fires(self):
        self.ws.write_config(jobs={"vm": {"schedule": "0 0 30 2 *", "enabled": False}})
        result, output = self.check()
        self.assertEqual(result.returncode, 0, output)

    def test_a_missing_ca_file_is_rejected_by_its_path(self):
        self.ws.write_config()
        missing = self.ws.path("corp-ca.pem")
        self.set_ca_file(missing)
        result, output = self.check()
        self.assertEqual(result.returncode, 3, output)
        self.assertIn(f"qualys.ca_file: cannot load ca_file {missing}: No such file or directory",
                      output)

    def test_a_ca_file_without_a_pem_certificate_is_rejected_by_its_path(self):
        self.ws.write_config()
        der = self.ws.path("corp-ca.cer")
        with open(der, "wb") as f:
            f.write(bytes([0x30, 0x82, 0x03, 0x1e, 0x30, 0x82, 0x02, 0x06]))
        self.set_ca_file(der)
        result, output = self.check()
        self.assertEqual(result.returncode, 3, output)
        self.assertIn(f"qualys.ca_file: cannot load ca_file {der}: no PEM certificate in it",
                      output)

    def test_a_state_dir_inside_the_output_dir_is_rejected(self):
        self.ws.write_config()
        inside = os.path.join(self.ws.output, "state")
        self.replace_in_config(f"state: {{dir: {json.dumps(self.ws.state)}}}",
                               f"state: {{dir: {json.dumps(inside)}}}")
        result, output = self.check()
        self.assertEqual(result.returncode, 3, output)
        self.assertIn(f"state.dir: ({inside}) is inside output.dir ({self.ws.output})", output)

    def test_a_state_dir_the_daemon_cannot_write_is_rejected(self):
        self.ws.write_config()
        extra = {}
        binary = harness.insightd()
        if os.geteuid() == 0:
            # Root may write anywhere: `check` runs as nobody, who gets everything in the
            # workspace except the state directory, and a copy of the binary (the build tree may
            # be in a directory only root can enter, such as a fresh clone under mktemp -d).
            binary = shutil.copy(binary, self.ws.path("qualys-insightd"))
            for root, dirs, files in os.walk(self.ws.dir):
                for name in [root] + [os.path.join(root, n) for n in dirs + files]:
                    if name != self.ws.state:
                        os.chown(name, 65534, 65534)
            extra = {"user": 65534, "group": 65534, "extra_groups": []}
        else:
            os.chmod(self.ws.state, 0o555)
        result = subprocess.run([binary, "--config", self.ws.config, "check"],
                                capture_output=True, text=True, timeout=90,
                                env=harness.clean_env(), stdin=subprocess.DEVNULL, **extra)
        output = result.stdout + result.stderr
        self.assertEqual(result.returncode, 3, output)
        self.assertIn(f"state.dir: cannot create files in state directory {self.ws.state}: "
                      "Permission denied", output)
        self.assertEqual(os.listdir(self.ws.state), [])

    def test_every_problem_outside_the_file_is_listed_at_once(self):
        self.ws.write_config(jobs={"kb": {"schedule": "0 0 31 4,6,9,11 *"}})
        self.set_ca_file(self.ws.path("missing-ca.pem"))
        os.rmdir(self.ws.output)
        result, output = self.check()
        self.assertEqual(result.returncode, 3, output)
        self.assertIn("jobs.kb.schedule", output)
        self.assertIn("qualys.ca_file", output)
        self.assertIn("output.dir: output directory", output)
        self.assertIn("3 problems", output)


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

    def test_prints_why_a_schedule_never_fires_instead_of_times(self):
        self.ws.write_credentials(PASSWORD)
        self.ws.write_config(jobs={
            "assets": {"enabled": False},
            "kb": {"schedule": "0 0 30 2 *", "time_zone": "UTC"},
            "vm": {"schedule": "0 3 * * *", "time_zone": "UTC"},
        })
        result = run_insightd("next", "--count", "2", config=self.ws.config)
        self.assertEqual(result.returncode, 3, result.stdout + result.stderr)
        lines = result.stdout.splitlines()
        kb = lines.index('kb: "0 0 30 2 *" in UTC')
        self.assertEqual(lines[kb + 1],
                         "  never fires: no month it selects (February) has a day it selects (30)")
        vm = lines.index('vm: "0 3 * * *" in UTC')
        self.assertRegex(lines[vm + 1], r"^  \d{4}-\d\d-\d\d 03:00:00 UTC \(\+0000\)$")
        self.assertRegex(lines[vm + 2], r"^  \d{4}-\d\d-\d\d 03:00:00 UTC \(\+0000\)$")

    def test_a_count_of_zero_is_a_usage_error(self):
        result = run_insightd("next", "--count", "0")
        self.assertEqual(result.returncode, 2)


if __name__ == "__main__":
    harness.main()
