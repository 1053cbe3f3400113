"""What the crash tests share: the dataset, the slowed-down simulator, the daemon's config."""
import os
import subprocess
import time

FILES = ("assets.csv", "vulnkb.csv", "cve.csv", "vm.csv")
SIZES = ["--assets", "400", "--qids", "600", "--hosts", "300", "--detections-per-host", "8"]


def wait_for(predicate, what, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError("timed out waiting for " + what)


def start_simulator(sim, directory, password_file, seed):
    """Starts qualys-sim on the crash tests' dataset, slowed down (time to first byte, bandwidth)
    so that a run lasts long enough to be killed at every stage: mid-page, between pages, during
    publication. Returns (process, port, CA file)."""
    port_file = os.path.join(directory, "port")
    ca = os.path.join(directory, "ca.pem")
    process = subprocess.Popen(
        [sim, "--port-file", port_file, "--ca-out", ca, "--password-file", password_file,
         "--seed", str(seed), "--ttfb-ms", "15", "--bandwidth", "4000000"] + SIZES,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(lambda: os.path.exists(port_file) and os.path.getsize(port_file) > 0,
             "the simulator's port file")
    with open(port_file) as f:
        return process, int(f.read().strip()), ca


def write_config(root, port, ca, extra=None):
    """Writes root/config.yaml for the simulator at `port`; `extra` maps a job to more settings
    ("key: value, ...") after the paging ones sized for SIZES."""
    extra = extra or {}
    paging = {"assets": "page_size: 50", "kb": "window_size: 1500, max_qid: 15000",
              "vm": "truncation_limit: 40"}
    jobs = "\n".join(f"  {job}: {{ {', '.join(filter(None, [settings, extra.get(job)]))} }}"
                     for job, settings in paging.items())
    path = os.path.join(root, "config.yaml")
    with open(path, "w") as f:
        f.write(f"""qualys:
  api_url: https://localhost:{port}
  gateway_url: https://localhost:{port}
  credentials_file: {root}/auth.conf
  ca_file: {ca}
  retry: {{ backoff_initial: 10ms, backoff_max: 100ms }}
output:
  dir: {root}/output
state:
  dir: {root}/state
jobs:
{jobs}
""")
    return path
