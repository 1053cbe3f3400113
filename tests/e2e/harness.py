"""Shared helpers of the end-to-end tests: the built `qualys-insightd` and `qualys-sim` as real
processes on loopback, each test in its own temporary directory.

The binaries come from the environment (set by tests/e2e/CMakeLists.txt):
  QI_INSIGHTD  path of qualys-insightd
  QI_SIM       path of qualys-sim

Every wait here has a deadline and waits for an event (a file appears, a log line appears, a
datagram arrives, a process exits); nothing sleeps for a fixed time to let something happen.
Every child process is owned by a context manager that kills it, so a failing test leaves no
process behind.
"""

import base64
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.parse
import urllib.request

POLL = 0.05  # seconds between two looks at a file while waiting for it to change

# A password with the characters that break naive encoders (form, URL, shell, YAML).
PASSWORD = "E2e&P@ss+w%rd=!~^$/:#"
USERNAME = "e2e-user"

# Several pages of each kind with the job settings below: 45 assets / page_size 10 = 5 CSAM
# pages; 40 QIDs span 10000..~10280, so KB windows of 5050 up to max_qid 10200 plus the open
# window = 4 KB requests (3 holding QIDs); 14 hosts / truncation_limit 4 = 4 detection pages.
DATASET = ["--seed", "7", "--assets", "45", "--qids", "40", "--hosts", "14",
           "--detections-per-host", "4"]
JOB_SETTINGS = {
    "assets": {"page_size": 10},
    "kb": {"window_size": 5050, "max_qid": 10200},
    "vm": {"truncation_limit": 4},
}
CSV_FILES = ("assets.csv", "vulnkb.csv", "cve.csv", "vm.csv")
JOB_FILES = {"assets": ("assets.csv",), "kb": ("vulnkb.csv", "cve.csv"), "vm": ("vm.csv",)}
NEVER = "0 0 1 1 *"  # a schedule that does not fire during a test (01 January, 00:00)
RETRY = "{max_attempts: 3, backoff_initial: 100ms, backoff_max: 500ms}"


def binary(variable):
    path = os.environ.get(variable)
    if not path or not os.access(path, os.X_OK):
        # A failure, not a skip: a suite that skips everything must not look green.
        raise RuntimeError(f"{variable} is not set to an executable (run the tests via ctest, "
                           f"or set QI_INSIGHTD and QI_SIM)")
    return path


def insightd():
    return binary("QI_INSIGHTD")


def sim_binary():
    return binary("QI_SIM")


def clean_env(**extra):
    """The environment of a child: no journald, no systemd notification unless asked for."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("JOURNAL_STREAM", "NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID",
                        "LISTEN_FDS", "LISTEN_PID")}
    env.update(extra)
    return env


def wait_until(condition, timeout, what):
    """Polls `condition` until it returns something truthy; fails the test at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(POLL)


def write_secret(path, text):
    """Writes a file only its owner can read (created 0600, never world-readable in between)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(path, 0o600)


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def snapshot(directory):
    """{name: bytes} of every published file in directory (dot-named temp files of a run in
    progress are not publications; assert_no_temp_files checks them once runs are over)."""
    result = {}
    for name in sorted(os.listdir(directory)):
        path = os.path.join(directory, name)
        if os.path.isfile(path) and not name.startswith("."):
            result[name] = read_bytes(path)
    return result


def temp_files(directory):
    """Dot-named files (the jobs' temp files are `.vm.csv.tmp-<pid>-<random>`)."""
    return [name for name in os.listdir(directory) if name.startswith(".")]


class Workspace:
    """A temporary directory holding one test's config, credentials, output and state; or, given
    `directory`, that directory, left in place on exit (the crash tests keep it after a failure)."""

    def __init__(self, directory=None):
        self._tmp = None if directory else tempfile.TemporaryDirectory(prefix="qi-e2e-")
        self.dir = directory or self._tmp.name
        self.output = self.path("output")
        self.state = self.path("state")
        os.makedirs(self.output, exist_ok=True)
        os.makedirs(self.state, exist_ok=True)
        self.config = self.path("config.yaml")
        self.credentials = self.path("auth.conf")

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self._tmp:
            self._tmp.cleanup()

    def write_credentials(self, password, username=USERNAME, mode=0o600):
        write_secret(self.credentials, f"{username} {password}\n")
        os.chmod(self.credentials, mode)

    def write_config(self, sim=None, jobs=None, api_url=None, extra="", retry=RETRY):
        """Writes config.yaml for `sim`. `jobs` maps a job to settings overriding the defaults
        of the tests (JOB_SETTINGS, schedule NEVER, timeout 60s); `retry` is qualys.retry (flow
        YAML); `extra` is appended YAML."""
        url = api_url or (sim.url if sim else "https://localhost:1")
        ca = sim.ca if sim else ""
        lines = [
            "qualys:",
            f"  api_url: {json.dumps(url)}",
            f"  gateway_url: {json.dumps(url)}",
            f"  credentials_file: {json.dumps(self.credentials)}",
            f"  ca_file: {json.dumps(ca)}",
            f"  retry: {retry}",
            f"output: {{dir: {json.dumps(self.output)}}}",
            f"state: {{dir: {json.dumps(self.state)}}}",
            "logging: {level: info}",
            "jobs:",
        ]
        for job in ("assets", "kb", "vm"):
            settings = {"schedule": NEVER, "timeout": "60s"}
            settings.update(JOB_SETTINGS[job])
            settings.update((jobs or {}).get(job, {}))
            body = ", ".join(f"{k}: {json.dumps(v)}" for k, v in settings.items())
            lines.append(f"  {job}: {{{body}}}")
        with open(self.config, "w") as f:
            f.write("\n".join(lines) + "\n" + extra)
        return self.config


def run_insightd(*args, config=None, timeout=90, env=None):
    """Runs qualys-insightd to completion; returns the CompletedProcess (text output)."""
    argv = [insightd()]
    if config:
        argv += ["--config", config]
    argv += list(args)
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                          env=env or clean_env(), stdin=subprocess.DEVNULL)


def write_expected(directory, dataset=DATASET):
    """The simulator's oracle: the four CSV files the daemon must publish for `dataset`."""
    os.makedirs(directory, exist_ok=True)
    subprocess.run([sim_binary(), *dataset, "--write-expected", directory], check=True,
                   capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
    return directory


class SimulatorProcess:
    """A simulator of ours as a process on a free loopback port: started by launch(argv), which
    waits for its port file, and stopped with SIGTERM on exit (exit 0 expected: a crash or a
    sanitizer report is a failure). Subclasses set program (for messages), log, port_file, ca."""

    program = "simulator"
    proc = None
    port = None

    @property
    def url(self):
        return f"https://localhost:{self.port}"

    def launch(self, argv):
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, env=clean_env())
        try:
            def started():
                if self.proc.poll() is not None:
                    raise AssertionError(f"{self.program} exited with {self.proc.returncode}: "
                                         f"{open(self.log).read()}")
                return os.path.exists(self.port_file) and os.path.getsize(self.port_file) > 0
            wait_until(started, 30, f"{self.program} to write its port file")
            with open(self.port_file) as f:
                self.port = int(f.read().strip())
            self._ssl = ssl.create_default_context(cafile=self.ca)
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                code = self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
                raise AssertionError(f"{self.program} did not stop within 10 s of SIGTERM") from None
            if code != 0:
                with open(self.log, errors="replace") as f:
                    raise AssertionError(f"{self.program} exited with {code}: {f.read()[-4000:]}")


class Simulator(SimulatorProcess):
    """qualys-sim on a free loopback port with a fresh CA; stopped (and killed if need be) on exit."""

    program = "qualys-sim"

    def __init__(self, workspace, password=PASSWORD, username=USERNAME, dataset=DATASET,
                 extra=(), name="sim"):
        self.workspace = workspace
        self.password = password
        self.username = username
        self.dataset = list(dataset)
        self.extra = list(extra)
        self.ca = workspace.path(f"{name}-ca.pem")
        self.port_file = workspace.path(f"{name}.port")
        self.password_file = workspace.path(f"{name}-password")
        self.log = workspace.path(f"{name}.log")

    def __enter__(self):
        write_secret(self.password_file, self.password + "\n")
        argv = [sim_binary(), "--port-file", self.port_file, "--ca-out", self.ca,
                "--username", self.username, "--password-file", self.password_file,
                *self.dataset, *self.extra]
        return self.launch(argv)

    # --- HTTP helpers (the test's own client; urllib + the test CA) ---

    def request(self, path, data=None, headers=None, method=None):
        """Returns (status, headers, body bytes); HTTP errors are returned, not raised."""
        if isinstance(data, str):
            data = data.encode()
        req = urllib.request.Request(self.url + path, data=data, headers=headers or {},
                                     method=method)
        try:
            with urllib.request.urlopen(req, context=self._ssl, timeout=30) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def stats(self):
        status, _, body = self.request("/__sim/stats")
        assert status == 200, status
        return json.loads(body)

    def add_faults(self, *specs):
        status, _, body = self.request("/__sim/faults", data="\n".join(specs) + "\n", method="POST")
        assert 200 <= status < 300, (status, body)

    def clear_faults(self):
        status, _, body = self.request("/__sim/faults", method="DELETE")
        assert 200 <= status < 300, (status, body)

    def basic_headers(self):
        token = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        return {"Authorization": "Basic " + token, "X-Requested-With": "qi-e2e"}

    def api_v2(self, path, **params):
        """POSTs an API v2 form with Basic auth; returns the body (asserts HTTP 200)."""
        status, _, body = self.request(path, data=urllib.parse.urlencode(params),
                                       headers=self.basic_headers())
        assert status == 200, (status, body[:500])
        return body

    def gateway_token(self):
        form = urllib.parse.urlencode({"username": self.username, "password": self.password,
                                       "token": "true"})
        status, _, body = self.request("/auth", data=form)
        assert status == 201, (status, body[:200])
        return body.decode().strip()


class LogFile:
    """A growing log file a test waits on: wait_for(regex) from a remembered offset."""

    def __init__(self, path, proc=None):
        self.path = path
        self.proc = proc
        self.offset = 0

    def text(self):
        with open(self.path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def mark(self):
        """From now on, wait_for only looks at lines written after this call."""
        self.offset = len(self.text())
        return self.offset

    def wait_for(self, pattern, timeout=30, since=None):
        """Waits for `pattern` (a regex) in the log after the mark; returns the match and moves
        the mark past it, so the next wait_for looks for a later line."""
        start = self.offset if since is None else since
        regex = re.compile(pattern)

        def seen():
            match = regex.search(self.text(), start)
            if match:
                return match
            if self.proc is not None and self.proc.poll() is not None:
                # One last look: the line may have been written just before the exit.
                match = regex.search(self.text(), start)
                if match:
                    return match
                raise AssertionError(f"process exited with {self.proc.returncode} before "
                                     f"/{pattern}/ appeared; log:\n{self.text()}")
            return None

        try:
            match = wait_until(seen, timeout, f"/{pattern}/ in {self.path}")
        except AssertionError as error:
            raise AssertionError(f"{error}\nlog:\n{self.text()[-4000:]}") from None
        self.offset = match.end()
        return match


class NotifySocket:
    """A fake systemd notification socket (AF_UNIX, SOCK_DGRAM). A thread receives and
    timestamps every datagram as it arrives (so the watchdog period can be measured while the
    test waits for something else); wait_for consumes them in order."""

    def __init__(self, workspace):
        self.path = workspace.path("notify.sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.sock.settimeout(0.2)  # lets the thread see `closed` soon after __exit__
        self.messages = []  # (monotonic time of arrival, text), every one received
        self.cursor = 0     # wait_for looks at messages[cursor:]
        self.closed = False
        self.changed = threading.Condition()
        self.thread = threading.Thread(target=self._receive_loop, daemon=True)
        self.thread.start()

    def _receive_loop(self):
        while not self.closed:
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                return
            with self.changed:
                self.messages.append((time.monotonic(), data.decode("utf-8", "replace")))
                self.changed.notify_all()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.closed = True
        self.thread.join(5)
        self.sock.close()

    def mark(self):
        """From now on, wait_for only looks at messages that arrive after this call."""
        with self.changed:
            self.cursor = len(self.messages)

    def count(self, line):
        with self.changed:
            return sum(line in text.splitlines() for _, text in self.messages)

    def wait_for(self, predicate, timeout=30, what="a notification"):
        """Waits for the next message (after the cursor) satisfying predicate(text); returns
        (time, text) and moves the cursor past it."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                while self.cursor < len(self.messages):
                    message = self.messages[self.cursor]
                    self.cursor += 1
                    if predicate(message[1]):
                        return message
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"timed out after {timeout} s waiting for {what}; "
                                         f"received: {[m for _, m in self.messages]}")
                self.changed.wait(remaining)


def fields(message):
    """The KEY=VALUE lines of a notification as a dict."""
    return dict(line.split("=", 1) for line in message.splitlines() if "=" in line)


class Process:
    """Any child process with stdout+stderr into `out`; killed on exit if still running."""

    def __init__(self, argv, out, env=None):
        self.argv = argv
        self.out = out
        self.env = env or clean_env()
        self.proc = None

    def __enter__(self):
        self.proc = subprocess.Popen(self.argv, stdout=self.out, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, env=self.env)
        return self

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def wait(self, timeout):
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"{self.argv[0]} did not exit within {timeout} s") from None


class Daemon:
    """`qualys-insightd --config FILE` (the daemon, no command) with stderr in a log file.

    With a NotifySocket it gets NOTIFY_SOCKET and, if watchdog_usec is given, WATCHDOG_USEC and
    WATCHDOG_PID equal to its own pid (sd_watchdog_enabled checks it): a `sh` wrapper exports
    its $$ and then execs the daemon, which keeps that pid."""

    def __init__(self, workspace, notify=None, watchdog_usec=None, name="daemon"):
        self.workspace = workspace
        self.notify = notify
        self.watchdog_usec = watchdog_usec
        self.log = LogFile(workspace.path(f"{name}.log"))
        self.proc = None

    def __enter__(self):
        env = clean_env()
        argv = [insightd(), "--config", self.workspace.config]
        if self.notify:
            env["NOTIFY_SOCKET"] = self.notify.path
            if self.watchdog_usec:
                env["WATCHDOG_USEC"] = str(self.watchdog_usec)
                argv = ["sh", "-c", 'WATCHDOG_PID=$$; export WATCHDOG_PID; exec "$@"', "sh", *argv]
        with open(self.log.path, "wb") as log:
            self.proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, env=env)
        self.log.proc = self.proc
        return self

    def __exit__(self, *exc):
        self.kill()

    @property
    def pid(self):
        return self.proc.pid

    def signal(self, signum):
        self.proc.send_signal(signum)

    def wait_exit(self, timeout):
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"the daemon did not exit within {timeout} s; log:\n"
                                 f"{self.log.text()[-4000:]}") from None

    def alive(self):
        return self.proc.poll() is None

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)


class E2ETestCase(unittest.TestCase):
    """Base class: a workspace per test, and helpers to assert on outputs."""

    def setUp(self):
        self.ws = Workspace()
        self.addCleanup(self.ws.__exit__)

    def start(self, context_manager):
        """Enters a context manager whose exit runs at cleanup, even if the test fails."""
        value = context_manager.__enter__()
        self.addCleanup(context_manager.__exit__, None, None, None)
        return value

    def expected(self, dataset=DATASET):
        return write_expected(self.ws.path("expected"), dataset)

    def assert_same_files(self, directory, expected_dir, names):
        for name in names:
            with self.subTest(file=name):
                got = read_bytes(os.path.join(directory, name))
                want = read_bytes(os.path.join(expected_dir, name))
                self.assertTrue(got == want, f"{name} differs from the expected output "
                                f"({len(got)} vs {len(want)} bytes)")

    def assert_no_temp_files(self, directory):
        self.assertEqual(temp_files(directory), [], f"temp files left in {directory}")

    def assert_secret_absent(self, secret, *texts):
        for text in texts:
            self.assertNotIn(secret, text, "the password leaked into the output")

    def copy_expected_to_output(self, expected_dir, names=CSV_FILES):
        for name in names:
            shutil.copyfile(os.path.join(expected_dir, name), os.path.join(self.ws.output, name))


def main():
    unittest.main(verbosity=2)
