"""metrics.textfile as node_exporter's textfile collector reads it, parsed with the Prometheus
client's own text parser: after successful runs (with retries of every cause), after a failed
run, and after a run that timed out under the daemon."""

import csv
import os
import signal
import stat
import sys
import time

import harness
from harness import PASSWORD, Daemon, E2ETestCase, Simulator, run_insightd, wait_until

try:
    from prometheus_client.parser import text_string_to_metric_families
except ImportError:
    # Debian's python3-prometheus-client (scripts/install-deps.sh) installs for the system
    # Python; a python3 from elsewhere (pyenv, a venv) on PATH does not see it.
    sys.path.append("/usr/lib/python3/dist-packages")
    from prometheus_client.parser import text_string_to_metric_families

CAUSES = ("rate_limit", "concurrency", "server_error", "network")
CONFIG = [""]  # the config file of the running test (every sample's config label)
RESULTS = ("succeeded", "published_state_not_saved", "failed", "timed_out", "cancelled")


def parse(path):
    """{(sample name, ((label, value), ...)): value} of every sample in the file."""
    with open(path) as f:
        text = f.read()
    samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples, name, **labels):
    """The sample `name` with `labels` (qualys_job for job) and this test's config label."""
    if "job" in labels:
        labels["qualys_job"] = labels.pop("job")
    labels["config"] = CONFIG[0]
    return samples.get((name, tuple(sorted(labels.items()))))


def data_rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return sum(1 for _ in csv.reader(f)) - 1


class MetricsFile(E2ETestCase):
    def setUp(self):
        super().setUp()
        self.textfile_dir = self.ws.path("node-exporter")
        os.makedirs(self.textfile_dir)
        self.textfile = os.path.join(self.textfile_dir, "qualys-insight.prom")
        self.extra = f"metrics: {{textfile: {self.textfile}}}\n"
        CONFIG[0] = self.ws.config

    def assert_result(self, samples, job, result):
        for each in RESULTS:
            self.assertEqual(value(samples, f"qualys_insightd_last_run_{each}", job=job),
                             1 if each == result else 0, (job, each))

    def test_successful_runs_give_times_rows_calls_and_retries_by_cause(self):
        sim = self.start(Simulator(self.ws))
        self.ws.write_credentials(PASSWORD)
        config = self.ws.write_config(sim, extra=self.extra)
        self.assertEqual(run_insightd("check", config=config).returncode, 0)
        # One retried failure of each cause: a 429 (assets' search), a body cut short (assets'
        # count; a reset before the answer is retried inside the HTTP client, unseen), a 503
        # (kb), a concurrency limit (vm's detections).
        sim.add_faults("search:429:1", "count:truncate:10", "kb:status:503",
                       "detection:409-1960")
        before = time.time()
        result = run_insightd("run", "all", config=config)
        self.assertEqual(result.returncode, 0, result.stderr)

        self.assertEqual(stat.S_IMODE(os.stat(self.textfile).st_mode), 0o644)
        self.assertEqual(os.listdir(self.textfile_dir), ["qualys-insight.prom"])
        samples = parse(self.textfile)
        version = run_insightd("--version").stdout.split()[-1]
        self.assertEqual(value(samples, "qualys_insightd_build_info", version=version), 1)
        self.assertEqual(value(samples, "qualys_insightd_config_generation"), 1)
        for job, files in harness.JOB_FILES.items():
            with self.subTest(job=job):
                start = value(samples, "qualys_insightd_last_start_timestamp_seconds", job=job)
                success = value(samples, "qualys_insightd_last_success_timestamp_seconds", job=job)
                self.assertLessEqual(before - 1, start)
                self.assertLessEqual(start, success)
                self.assertLessEqual(success, time.time())
                self.assertIsNone(
                    value(samples, "qualys_insightd_last_failure_timestamp_seconds", job=job))
                duration = value(samples, "qualys_insightd_last_run_duration_seconds", job=job)
                # The start is stamped as the job is launched, the duration from inside it.
                self.assertGreater(duration, 0)
                self.assertLessEqual(duration, success - start + 0.01)
                self.assert_result(samples, job, "succeeded")
                for name in files:
                    self.assertEqual(
                        value(samples, "qualys_insightd_published_rows", job=job, file=name),
                        data_rows(os.path.join(self.ws.output, name)), name)
                self.assertGreater(value(samples, "qualys_insightd_last_success_api_calls",
                                         job=job), 0)
                self.assertGreater(value(samples, "qualys_insightd_last_success_api_bytes",
                                         job=job), 0)
        retried = {(job, cause): value(samples, "qualys_insightd_last_run_retries", job=job,
                                       cause=cause)
                   for job in harness.JOB_FILES for cause in CAUSES}
        want = {key: 0 for key in retried}
        want.update({("assets", "rate_limit"): 1, ("assets", "network"): 1,
                     ("kb", "server_error"): 1, ("vm", "concurrency"): 1})
        self.maxDiff = None
        self.assertEqual(retried, want)

    def test_a_failed_run_sets_the_failure_and_keeps_the_last_success(self):
        sim = self.start(Simulator(self.ws))
        self.ws.write_credentials(PASSWORD)
        config = self.ws.write_config(sim, extra=self.extra)
        self.assertEqual(run_insightd("run", "kb", config=config).returncode, 0)
        first = parse(self.textfile)

        sim.add_faults("kb:2001,times=forever")
        result = run_insightd("run", "kb", config=config)
        self.assertEqual(result.returncode, 1, result.stderr)
        samples = parse(self.textfile)
        self.assert_result(samples, "kb", "failed")
        failure = value(samples, "qualys_insightd_last_failure_timestamp_seconds", job="kb")
        success = value(samples, "qualys_insightd_last_success_timestamp_seconds", job="kb")
        # The earlier success comes from manifest.json (state.json is the daemon's record).
        # (to the second, stamped as the files were published).
        self.assertAlmostEqual(
            success, value(first, "qualys_insightd_last_success_timestamp_seconds", job="kb"),
            delta=2)
        self.assertGreater(failure, success)
        self.assertEqual(value(samples, "qualys_insightd_published_rows", job="kb",
                               file="vulnkb.csv"),
                         data_rows(os.path.join(self.ws.output, "vulnkb.csv")))
        self.assertIsNone(value(samples, "qualys_insightd_last_run_succeeded", job="vm"))

    def test_a_run_that_timed_out_under_the_daemon_is_in_the_file(self):
        sim = self.start(Simulator(self.ws))
        self.ws.write_credentials(PASSWORD)
        self.ws.write_config(sim, jobs={"assets": {"enabled": False}, "kb": {"enabled": False},
                                        "vm": {"schedule": "*/10 * * * * *", "timeout": "3s"}},
                             extra=self.extra)
        sim.add_faults("any:hang,times=forever")
        daemon = self.start(Daemon(self.ws))
        # Written at start, before any run.
        wait_until(lambda: os.path.exists(self.textfile), 15, "the metrics file at start")
        self.assertEqual(value(parse(self.textfile), "qualys_insightd_config_generation"), 1)

        daemon.log.wait_for(r"vm: run \S+ timed out", timeout=30)

        def timed_out():
            samples = parse(self.textfile)
            return samples if value(samples, "qualys_insightd_last_run_timed_out",
                                    job="vm") == 1 else None
        try:
            samples = wait_until(timed_out, 10, "the timed-out run in the metrics file")
        except AssertionError:
            with open(self.textfile) as f:
                raise AssertionError(f.read() + daemon.log.text()) from None
        self.assert_result(samples, "vm", "timed_out")
        self.assertGreaterEqual(value(samples, "qualys_insightd_last_run_duration_seconds",
                                      job="vm"), 3)
        self.assertIsNotNone(
            value(samples, "qualys_insightd_last_failure_timestamp_seconds", job="vm"))
        self.assertIsNone(
            value(samples, "qualys_insightd_last_success_timestamp_seconds", job="vm"))

        # An accepted reload is a new configuration generation.
        daemon.signal(signal.SIGHUP)
        wait_until(lambda: value(parse(self.textfile), "qualys_insightd_config_generation") == 2,
                   15, "config generation 2 after SIGHUP")
        daemon.signal(signal.SIGTERM)
        self.assertEqual(daemon.wait_exit(20), 0, daemon.log.text())


if __name__ == "__main__":
    harness.main()
