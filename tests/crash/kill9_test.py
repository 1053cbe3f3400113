#!/usr/bin/env python3
"""Crash safety: SIGKILL `qualys-insightd run all` at random moments, 100 times, and check after
each kill that every output file is a complete publication (byte-identical to one of the two
datasets the runs alternate between), that manifest.json (when present) parses and names only
complete versions, and that the next start sweeps the temp files the killed run left.

Environment: QI_DAEMON, QI_SIM (paths of the built binaries); QI_KILL_RUNS (default 100).
"""
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time

from crash_common import FILES, SIZES, start_simulator, workspace, write_config

DAEMON = os.environ["QI_DAEMON"]
SIM = os.environ["QI_SIM"]
RUNS = int(os.environ.get("QI_KILL_RUNS", "100"))
PASSWORD = "Kill&9+pass%word"



def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


class Simulator:
    def __init__(self, ws, name, seed):
        self.sim = start_simulator(ws, PASSWORD, seed, name)
        expected = ws.path(name, "expected")
        os.makedirs(expected)
        subprocess.run([SIM, "--seed", str(seed), "--write-expected", expected] + SIZES,
                       check=True, stdout=subprocess.DEVNULL)
        self.digests = {name: sha256(os.path.join(expected, name)) for name in FILES}

    def stop(self):
        self.sim.stop()



def check_outputs(output, simulators):
    names = sorted(os.listdir(output))
    complete = {name: {s.digests[name] for s in simulators} for name in FILES}
    for name in names:
        path = os.path.join(output, name)
        if name.startswith("."):
            continue  # a killed run's temp file: swept by the next start
        if name == "manifest.json":
            with open(path) as f:
                manifest = json.load(f)  # never half-written
            for listed, entry in manifest["files"].items():
                assert entry["sha256"] in complete[listed], f"manifest names an unknown {listed}"
            continue
        assert name in FILES, f"unexpected file {name} in the output directory"
        assert sha256(path) in complete[name], f"{name} is not a complete publication"


def main():
    random.seed(int(os.environ.get("QI_KILL_SEED", "20261128")))
    with tempfile.TemporaryDirectory(prefix="qi-kill9-") as root:
        ws = workspace(root, PASSWORD)
        output = ws.output
        simulators = [Simulator(ws, "a", 101), Simulator(ws, "b", 202)]
        try:
            kills = completed = 0
            for run in range(RUNS):
                config = write_config(ws, simulators[run % 2].sim)
                log = open(os.path.join(root, "daemon.log"), "ab")
                started = time.monotonic()
                daemon = subprocess.Popen([DAEMON, "--config", config, "run", "--force", "all"],
                                          stdout=log, stderr=log)
                delay = random.uniform(0.0, 1.5)
                try:
                    daemon.wait(timeout=delay)
                    completed += 1
                    assert daemon.returncode == 0, f"run {run} failed: see {root}/daemon.log"
                except subprocess.TimeoutExpired:
                    daemon.send_signal(signal.SIGKILL)
                    daemon.wait()
                    kills += 1
                log.close()
                check_outputs(output, simulators)
                if os.environ.get("QI_KILL_VERBOSE"):
                    print(f"run {run}: {time.monotonic() - started:.2f} s", flush=True)
            # A last run to completion: it must sweep every temp file the killed runs left.
            config = write_config(ws, simulators[0].sim)
            subprocess.run([DAEMON, "--config", config, "run", "--force", "all"], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            leftovers = [n for n in os.listdir(output) if n.startswith(".")]
            assert not leftovers, f"temp files not swept: {leftovers}"
            for name in FILES:
                assert sha256(os.path.join(output, name)) == simulators[0].digests[name]
            print(f"{RUNS} runs: {kills} killed at random points, {completed} completed; "
                  "every output file was a complete publication after each")
        finally:
            for s in simulators:
                s.stop()


if __name__ == "__main__":
    try:
        main()
    except AssertionError as error:
        print(f"FAILED: {error}", file=sys.stderr)
        sys.exit(1)
