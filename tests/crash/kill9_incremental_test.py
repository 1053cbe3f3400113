#!/usr/bin/env python3
"""Crash safety of incremental pulls: SIGKILL `qualys-insightd run all` at random moments while the
data changes between runs, and check after each kill that

- every published file is complete: vulnkb.csv, cve.csv and vm.csv byte-identical to the oracle of
  one generation seen so far; assets.csv (an incremental pull keeps deleted assets until the next
  full pull) our CSV with the header, rows parseable and ascending by AssetID, ending in a
  newline, holding every row of one generation's oracle and no row that no generation had;
- manifest.json parses and names only such complete versions;
- each base meta file (<state.dir>/base/<job>.meta), when present, names a directory holding every
  file the job keeps, each of them complete in the same sense (asset-host-ids.csv: parseable,
  ascending, only assets of the base's assets.csv);
- a run that was not killed published exactly the current generation (assets: exactly the
  current oracle's rows plus deleted assets' rows);
- after the next start (the daemon started and stopped again, no job enabled: what every start
  does before any job runs), manifest.json is true to the files on disk: each file's SHA-256,
  rows and bytes as its entry says, no entry for a missing file; and base/ holds no directory
  that no meta file names (a killed run's half-written base is swept).

Kills land at random times over a run (45 %), a few milliseconds after a job logs that it
published, i.e. before it rewrote manifest.json (15 %), a few milliseconds after a job logs its
reference check, i.e. after the manifest and before its base is saved (20 %), or not at all (a
fifth); a fifth of the runs are `run --full all`. Most iterations change the data first
(POST /__sim/mutate), and each generation's oracle comes from POST /__sim/write-expected. The
incremental margin is 2 s rather than the default hour, so that a base whose recorded start were
later than the data it holds would show in the results.

At the end, one incremental `run all` completes on whatever base the killed runs left and must
give the current generation's oracle exactly (kb, vm; assets up to deleted assets), then
`run --full all` gives all four files exactly; no temp file is left in the output directory and
only the base directories the meta files name remain; the daemon log never says that a base
was damaged, missing or could not be saved.

Environment: QI_DAEMON, QI_SIM (paths of the built binaries); QI_KILL_RUNS (iterations, default
40); QI_KILL_SEED; QI_KILL_VERBOSE (a line per iteration). Temp files a killed run left in
state.dir fail the test: every start sweeps them.
"""
import base64
import calendar
import hashlib
import http.client
import json
import os
import random
import re
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

from crash_common import FILES, start_simulator, workspace, write_config

EXACT_FILES = ("vulnkb.csv", "cve.csv", "vm.csv")  # every publication is some generation's oracle
BASE_FILES = {"assets": ("assets.csv", "asset-host-ids.csv"), "kb": ("vulnkb.csv", "cve.csv"),
              "vm": ("vm.csv",)}
DAEMON = os.environ["QI_DAEMON"]
SIM = os.environ["QI_SIM"]
RUNS = int(os.environ.get("QI_KILL_RUNS", "40"))
VERBOSE = bool(os.environ.get("QI_KILL_VERBOSE"))
PASSWORD = "Kill&9+pass%word"
HLD_PARAMS = "status=New,Active,Re-Opened"  # what the daemon sends by default
# Our CSV dialect: every field quoted, quotes doubled, no line break inside a value.
FIELD = r'"(?:[^"]|"")*"'
ROW = re.compile(f"{FIELD}(?:,{FIELD})*")
TEMP_NAME = re.compile(r"\..+\.tmp-[0-9]+-[0-9a-f]+")



def sha256(data):
    return hashlib.sha256(data).hexdigest()


def read(path):
    with open(path, "rb") as f:
        return f.read()


def csv_lines(data, what):
    """The lines of one of our CSV files (header first); fails unless the file is complete."""
    assert data.endswith(b"\n"), f"{what} does not end in a newline (partial)"
    text = data.decode("utf-8")  # a cut inside a UTF-8 sequence fails here
    lines = text[:-1].split("\n")
    width = None
    for number, line in enumerate(lines, 1):
        assert ROW.fullmatch(line), f"{what} line {number} is not a CSV row: {line[:120]!r}"
        fields = len(re.findall(FIELD, line))
        if width is None:
            width = fields
        assert fields == width, f"{what} line {number} has {fields} fields, the header {width}"
    return lines


def first_id(line):
    return int(line[1:line.index('"', 1)])


class Oracle:
    """The expected files of one generation."""

    def __init__(self, directory, generation):
        self.generation = generation
        self.digests = {}
        for name in FILES:
            self.digests[name] = sha256(read(os.path.join(directory, name)))
        lines = csv_lines(read(os.path.join(directory, "assets.csv")), "oracle assets.csv")
        self.assets_header = lines[0]
        self.asset_rows = set(lines[1:])
        self.asset_ids = {first_id(row) for row in lines[1:]}


class Simulator:
    def __init__(self, ws, seed):
        self.root = ws.dir
        self.sim = start_simulator(ws, PASSWORD, seed)
        self.port = self.sim.port
        self.context = ssl.create_default_context(cafile=self.sim.ca)
        self.last_step = 0

    def post(self, path):
        request = urllib.request.Request(f"https://localhost:{self.port}{path}", data=b"",
                                         method="POST")
        with urllib.request.urlopen(request, context=self.context, timeout=30) as answer:
            return json.loads(answer.read())

    def mutate(self):
        # The simulator stamps a step one second after the last one when the clock has not moved
        # past it: never let the stamps run ahead of the clock (every incremental pull would then
        # re-read everything stamped in the future, hiding a base whose recorded start is late).
        delay = self.last_step + 1 - time.time()
        if delay > 0:
            time.sleep(delay)
        answer = self.post("/__sim/mutate")
        self.last_step = calendar.timegm(time.strptime(answer["time"], "%Y-%m-%dT%H:%M:%SZ"))
        assert self.last_step <= time.time(), f"a step stamped in the future: {answer}"
        return answer["generation"]

    def oracle(self):
        directory = tempfile.mkdtemp(prefix="oracle-", dir=self.root)
        answer = self.post("/__sim/write-expected?dir=" + urllib.parse.quote(directory, safe="") +
                           "&" + HLD_PARAMS)
        return Oracle(directory, answer["generation"])

    def keep_rate_budget(self, password, least=60):
        """The simulator's API v2 answers count down X-RateLimit-Remaining from 300, and the
        daemon rightly slows to a call a minute or more when few are left; a run that must finish
        would then take minutes. Spends our own cheap calls until the count wraps when fewer than
        `least` remain, so that no run of the test ever meets the pacing."""
        connection = http.client.HTTPSConnection("localhost", self.port, context=self.context,
                                                 timeout=30)
        credentials = base64.b64encode(f"sim-user:{password}".encode()).decode()
        headers = {"Authorization": "Basic " + credentials, "X-Requested-With": "kill9 test",
                   "Content-Type": "application/x-www-form-urlencoded"}
        spent = 0
        try:
            while True:
                # One QID that does not exist, the short form: an empty, quick answer.
                connection.request("POST", "/api/4.0/fo/knowledge_base/vuln/",
                                   "action=list&ids=1&details=None", headers)
                answer = connection.getresponse()
                answer.read()
                spent += 1
                assert spent < 1000, "the simulator's rate-limit count does not wrap"
                if answer.status == 409:  # a killed run's call may still count as running
                    time.sleep(0.05)
                    continue
                assert answer.status == 200, f"KB probe: HTTP {answer.status}"
                remaining = int(answer.getheader("x-ratelimit-remaining"))
                if remaining >= least:
                    return spent
        finally:
            connection.close()

    def stop(self):
        self.sim.stop()


def write_incremental_config(ws, simulator):
    # A 2 s margin (not the default hour, which would re-read every change the test ever made):
    # a base whose recorded start is later than the data it holds then shows in the results.
    # Mutations happen only between runs, so 2 s covers the whole-second stamps.
    # No job enabled: the daemon is only started to see what a start repairs; `run` ignores it.
    incremental = {"full_refresh": "7d", "incremental_margin": "2s", "enabled": False}
    return write_config(ws, simulator.sim,
                        {"assets": {"count_tolerance": 0.5, **incremental}, "kb": incremental,
                         "vm": {"hosts_per_window": 100, **incremental}})


class Checker:
    def __init__(self, root):
        self.output = os.path.join(root, "output")
        self.base = os.path.join(root, "state", "base")
        self.oracles = []
        self.assets_published = set()  # digests of every assets.csv seen published

    def add_oracle(self, oracle):
        assert not self.oracles or oracle.generation == self.oracles[-1].generation + 1
        self.oracles.append(oracle)
        self.all_asset_rows = set().union(*(o.asset_rows for o in self.oracles))

    def exact_digests(self, name):
        return {o.digests[name] for o in self.oracles}

    def check_assets(self, data, what):
        """A complete assets.csv of an incremental or full pull."""
        lines = csv_lines(data, what)
        header, rows = lines[0], lines[1:]
        assert header == self.oracles[-1].assets_header, f"{what}: wrong header {header[:80]!r}"
        ids = [first_id(row) for row in rows]
        assert all(a < b for a, b in zip(ids, ids[1:])), f"{what}: AssetIDs not ascending"
        present = set(rows)
        unknown = present - self.all_asset_rows
        assert not unknown, f"{what}: {len(unknown)} rows no generation had, e.g. " \
                            f"{next(iter(unknown))[:120]!r}"
        assert any(o.asset_rows <= present for o in self.oracles), \
            f"{what}: holds no generation's complete inventory"
        return set(ids)

    def check_file(self, name, data, what):
        if name == "assets.csv":
            self.check_assets(data, what)
        else:
            assert sha256(data) in self.exact_digests(name), f"{what} is not a complete publication"

    def check_output(self):
        names = sorted(os.listdir(self.output))
        for name in names:
            if name.startswith("."):
                assert TEMP_NAME.fullmatch(name), f"unexpected hidden file {name} in the output"
                continue  # a killed run's temp file: swept by the next start
            assert name in FILES or name == "manifest.json", f"unexpected file {name} in output"
        for name in FILES:
            assert name in names, f"{name} is missing from the output directory"
            data = read(os.path.join(self.output, name))
            self.check_file(name, data, "published " + name)
            if name == "assets.csv":
                self.assets_published.add(sha256(data))
        with open(os.path.join(self.output, "manifest.json")) as f:
            manifest = json.load(f)  # never half-written
        for name, entry in manifest["files"].items():
            assert name in FILES, f"manifest.json names {name}"
            known = self.assets_published if name == "assets.csv" else self.exact_digests(name)
            assert entry["sha256"] in known, f"manifest.json names an unknown {name}"

    def read_meta(self, job):
        path = os.path.join(self.base, job + ".meta")
        if not os.path.exists(path):
            return None
        with open(path) as f:
            text = f.read()
        assert text.endswith("\n"), f"{job}.meta is partial: {text!r}"
        meta = dict(line.split(" ", 1) for line in text.splitlines())
        for key in ("dir", "run_started", "last_full", "fingerprint"):
            assert key in meta, f"{job}.meta has no {key}: {text!r}"
        assert meta["dir"].startswith(job + "-") and "/" not in meta["dir"], \
            f"{job}.meta names {meta['dir']!r}"
        assert meta["last_full"] <= meta["run_started"], f"{job}.meta: {text!r}"  # ISO, UTC
        return meta

    def check_base(self):
        """Each meta file names a directory with every file of the job, each complete."""
        named = {}
        for job, files in BASE_FILES.items():
            meta = self.read_meta(job)
            if meta is None:
                continue
            directory = os.path.join(self.base, meta["dir"])
            assert os.path.isdir(directory), f"{job}.meta names a missing directory {meta['dir']}"
            named[job] = meta["dir"]
            present = sorted(os.listdir(directory))
            assert present == sorted(files), f"base {meta['dir']} holds {present}"
            for name in files:
                if name != "asset-host-ids.csv":  # checked against the base's assets.csv below
                    self.check_file(name, read(os.path.join(directory, name)),
                                    f"base {meta['dir']}/{name}")
            if job == "assets":
                asset_ids = self.check_assets(read(os.path.join(directory, "assets.csv")),
                                              f"base {meta['dir']}/assets.csv")
                what = f"base {meta['dir']}/asset-host-ids.csv"
                lines = csv_lines(read(os.path.join(directory, "asset-host-ids.csv")), what)
                assert lines[0] == '"AssetID","HostID"', f"{what}: header {lines[0]!r}"
                pairs = [tuple(int(v) for v in row[1:-1].split('","')) for row in lines[1:]]
                ids = [asset for asset, _ in pairs]
                assert all(a < b for a, b in zip(ids, ids[1:])), f"{what}: not ascending"
                assert set(ids) <= asset_ids, f"{what}: assets not in the base's assets.csv"
        return named

    def check_manifest_true(self):
        """After a start: every entry of manifest.json describes its file on disk exactly."""
        with open(os.path.join(self.output, "manifest.json")) as f:
            files = json.load(f)["files"]
        for name in FILES:
            path = os.path.join(self.output, name)
            if not os.path.exists(path):
                assert name not in files, f"manifest.json names {name}, which is missing"
                continue
            data = read(path)
            assert name in files, f"manifest.json has no entry for {name}"
            entry = files[name]
            assert entry["sha256"] == sha256(data), \
                f"manifest.json: {name} SHA-256 {entry['sha256'][:12]}…, the file's " \
                f"{sha256(data)[:12]}… (run {entry['run_id']!r})"
            rows = data.count(b"\n") - 1
            assert entry["rows"] == rows, \
                f"manifest.json: {name} {entry['rows']} rows, the file {rows}"
            assert entry["bytes"] == len(data), f"manifest.json: {name} bytes"

    def check_no_unnamed_base(self, named):
        left = sorted(n for n in os.listdir(self.base)
                      if not TEMP_NAME.fullmatch(n) and not n.endswith(".meta") and
                      n not in named.values())
        assert not left, f"base directories no meta file names after a start: {left}"

    def check_exact(self, final=False):
        """After a run that completed: the current generation, exactly."""
        current = self.oracles[-1]
        for name in EXACT_FILES:
            assert sha256(read(os.path.join(self.output, name))) == current.digests[name], \
                f"{name} is not generation {current.generation}'s after a completed run"
        rows = csv_lines(read(os.path.join(self.output, "assets.csv")), "assets.csv")[1:]
        kept = {row for row in rows if first_id(row) in current.asset_ids}
        assert kept == current.asset_rows, \
            f"assets.csv does not have generation {current.generation}'s assets after a " \
            f"completed run ({len(current.asset_rows - kept)} missing or stale)"
        if final:
            data = read(os.path.join(self.output, "assets.csv"))
            assert sha256(data) == current.digests["assets.csv"], "assets.csv after --full"


def main():
    seed = int(os.environ.get("QI_KILL_SEED", "20261128"))
    random.seed(seed)
    # Kept after a failure (the path is printed), for the daemon log and the state directory.
    root = tempfile.mkdtemp(prefix="qi-kill9-incr-")
    print(f"working directory {root}", flush=True)
    ws = workspace(root, PASSWORD)
    log_path = os.path.join(root, "daemon.log")
    simulator = Simulator(ws, 300 + seed % 1000)
    checker = Checker(root)
    try:
        config = write_incremental_config(ws, simulator)
        checker.add_oracle(simulator.oracle())

        def run(args, kill_after=None, kill_on=None):
            """Runs the daemon; returns (killed, seconds, log text of this run). Killed after
            `kill_after` seconds, or `kill_on[1]` seconds after the log says `kill_on[0]`."""
            simulator.keep_rate_budget(PASSWORD)
            with open(log_path, "ab") as log:
                start = log.tell()
                log.write(f"=== run {' '.join(args)}\n".encode())
                log.flush()
                started = time.monotonic()
                daemon = subprocess.Popen([DAEMON, "--config", config, "run"] + args,
                                          stdout=log, stderr=log)
                try:
                    if kill_on:
                        with open(log_path, "rb") as reader:
                            reader.seek(start)
                            seen = b""
                            while kill_on[0] not in seen:
                                seen += reader.read()
                                if daemon.poll() is not None:
                                    break
                                if time.monotonic() - started > kill_after:
                                    raise subprocess.TimeoutExpired(args, kill_after)
                                time.sleep(0.001)
                        if daemon.poll() is None:
                            time.sleep(kill_on[1])
                        daemon.wait(timeout=0)
                    else:
                        daemon.wait(timeout=kill_after if kill_after is not None else 120)
                    killed = False
                except subprocess.TimeoutExpired:
                    daemon.send_signal(signal.SIGKILL)
                    daemon.wait()
                    killed = True
                    log.write(b"=== SIGKILL\n")
                seconds = time.monotonic() - started
            with open(log_path, "rb") as log:
                log.seek(start)
                text = log.read().decode("utf-8", "replace")
            assert kill_after is not None or not killed, \
                f"run {args} did not finish in 120 s:\n{text[-3000:]}"
            if not killed:
                assert daemon.returncode == 0, \
                    f"run {args} exited {daemon.returncode}:\n{text[-3000:]}"
            return killed, seconds, text

        def start_and_stop():
            """Starts the daemon (no job enabled) and stops it once it has started: what every
            start does before any job runs. Returns the log of that start."""
            with open(log_path, "ab") as log:
                start = log.tell()
                log.write(b"=== daemon start\n")
                log.flush()
                daemon = subprocess.Popen([DAEMON, "--config", config], stdout=log, stderr=log)
                with open(log_path, "rb") as reader:
                    reader.seek(start)
                    seen = b""
                    deadline = time.monotonic() + 60
                    while b"started with" not in seen:
                        assert daemon.poll() is None, f"the daemon exited {daemon.returncode}"
                        assert time.monotonic() < deadline, "the daemon did not start in 60 s"
                        seen += reader.read()
                        time.sleep(0.005)
                daemon.send_signal(signal.SIGTERM)
                assert daemon.wait(timeout=30) == 0, f"the daemon exited {daemon.returncode}"
            with open(log_path, "rb") as log:
                log.seek(start)
                return log.read().decode("utf-8", "replace")

        # A full pull to completion, then one incremental one (the run-time estimates).
        _, full_seconds, _ = run(["all"])
        checker.check_output()
        checker.check_exact(final=True)
        checker.check_base()
        simulator.mutate()
        checker.add_oracle(simulator.oracle())
        _, incremental_seconds, text = run(["all"])
        assert text.count("incremental pull of what changed after") == 3, text[-3000:]
        checker.check_output()
        checker.check_exact()
        checker.check_base()

        kills = completed = mutations = fulls = stale_manifests = 0
        ahead, unfinished = set(), set()  # kills at those points: (job, publication), base dirs
        for iteration in range(RUNS):
            draw = random.random()
            for _ in range(2 if draw < 0.1 else 1 if draw < 0.6 else 0):
                assert simulator.mutate() == checker.oracles[-1].generation + 1
                checker.add_oracle(simulator.oracle())
                mutations += 1
            full = random.random() < 0.2
            fulls += full
            expected = full_seconds if full else incremental_seconds
            # One run in five is left to finish (and moves the base on); the others are killed
            # just after a publication, or anywhere from the start to the end (some finish).
            draw = random.random()
            kill_on = None
            if draw < 0.2:
                delay = None
            elif draw < 0.35:
                # Right after a job renamed its files into place (it logs that before it hashes
                # them for manifest.json): aimed at the manifest's rewrite.
                job = random.choice(tuple(BASE_FILES))
                kill_on = (f"info {job}: published ".encode(), random.uniform(0, 0.004))
                delay = 3 * expected
            elif draw < 0.55:
                # Right after a job published (its reference check is logged after the manifest,
                # before the base is saved): aimed at the base's save.
                job = random.choice(tuple(BASE_FILES))
                kill_on = (f"info {job}: reference check".encode(), random.uniform(0, 0.006))
                delay = 3 * expected
            else:
                delay = random.uniform(0.0, 1.1 * expected)
            killed, seconds, _ = run((["--full"] if full else []) + ["all"], delay, kill_on)
            checker.check_output()
            named = checker.check_base()
            stale_manifest = False
            if killed:
                with open(os.path.join(checker.output, "manifest.json")) as f:
                    recorded = json.load(f)["files"]
                stale_manifest = any(
                    recorded.get(name, {}).get("sha256") !=
                    sha256(read(os.path.join(checker.output, name))) for name in FILES)
            if killed:
                kills += 1
                # Where the kill landed, as far as the files tell: between a job's publication
                # and its base's meta file, or while a new base directory was being written.
                for job, directory in named.items():
                    published = read(os.path.join(checker.output, BASE_FILES[job][0]))
                    if read(os.path.join(checker.base, directory, BASE_FILES[job][0])) != published:
                        ahead.add((job, sha256(published)))
                unfinished.update(n for n in os.listdir(checker.base)
                                  if not TEMP_NAME.fullmatch(n) and not n.endswith(".meta") and
                                  n not in named.values())
            else:
                completed += 1
                checker.check_exact()
                # Follow the machine's speed (other tests share the cores).
                if full:
                    full_seconds = 0.7 * full_seconds + 0.3 * seconds
                else:
                    incremental_seconds = 0.7 * incremental_seconds + 0.3 * seconds
            # The next start makes the manifest true and sweeps half-written bases, before
            # anything is published.
            start_log = start_and_stop()
            checker.check_manifest_true()
            checker.check_no_unnamed_base(checker.check_base())
            checker.check_output()
            if stale_manifest:
                stale_manifests += 1
                assert "manifest.json repaired from the files on disk" in start_log, start_log
            if VERBOSE:
                print(f"iteration {iteration}: generation {checker.oracles[-1].generation}, "
                      f"{'--full ' if full else ''}{'killed' if killed else 'completed'} "
                      f"after {seconds:.2f} s"
                      f"{' (after publication)' if kill_on else ''}"
                      f"{'' if delay is None or kill_on else f' (delay {delay:.2f} s)'}",
                      flush=True)

        # Whatever base the killed runs left must still be a correct base: one more change,
        # then an incremental run to completion gives the current generation exactly.
        simulator.mutate()
        checker.add_oracle(simulator.oracle())
        _, _, text = run(["all"])
        for job in BASE_FILES:
            assert f"info {job}: incremental pull of what changed after" in text, \
                f"the last run's {job} was not incremental:\n{text[-3000:]}"
        checker.check_output()
        checker.check_exact()
        named = checker.check_base()
        assert sorted(named) == sorted(BASE_FILES), f"base metas after a completed run: {named}"
        # And a full pull gives all four files exactly.
        run(["--full", "all"])
        checker.check_output()
        checker.check_exact(final=True)
        named = checker.check_base()
        leftovers = [n for n in os.listdir(checker.output) if n.startswith(".")]
        assert not leftovers, f"temp files not swept from the output directory: {leftovers}"
        expected_base = sorted([job + ".meta" for job in BASE_FILES] + list(named.values()))
        in_base = sorted(n for n in os.listdir(checker.base) if not TEMP_NAME.fullmatch(n))
        assert in_base == expected_base, \
            f"base directory holds {in_base}, expected only {expected_base}"
        # Temp files of replace_file_atomically (base/<job>.meta, asset-host-ids, ...) that a
        # kill left in state.dir: every start sweeps them, like the output directory's.
        stale = sorted(os.path.relpath(os.path.join(d, n), os.path.join(root, "state"))
                       for d, _, names in os.walk(os.path.join(root, "state"))
                       for n in names if TEMP_NAME.fullmatch(n))
        assert not stale, f"temp files left in state.dir by killed runs: {stale}"
        # No run ever found a base damaged or missing (a killed run leaves the old base or the
        # new one), and no base went missing after the first run.
        with open(log_path, encoding="utf-8", errors="replace") as f:
            log = f.read()
        for sign in ("the incremental base is dropped", "could not keep this publication",
                     "is missing)", "settings that shape the output"):
            assert sign not in log, f"the daemon log says {sign!r}: see {log_path}"
        assert log.count("full pull (no earlier publication to build on)") == 3, \
            f"a base went missing: see {log_path}"
        incremental_starts = log.count("incremental pull of what changed after")
        print(f"{RUNS} runs (seed {seed}): {kills} killed at random points, {completed} "
              f"completed, {fulls} with --full, {mutations} data changes, {incremental_starts} "
              f"incremental job starts; {len(ahead)} kills left a publication newer than its "
              f"base, {len(unfinished)} an unfinished base directory, {stale_manifests} a "
              "manifest behind its files; every file and base was complete after each, the "
              "manifest true after the next start, and the last runs exact")
    finally:
        simulator.stop()
    shutil.rmtree(root)


if __name__ == "__main__":
    try:
        main()
    except AssertionError as error:
        print(f"FAILED: {error}", file=sys.stderr)
        sys.exit(1)
