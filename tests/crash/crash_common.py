"""What the crash tests add to the e2e harness (tests/e2e/harness.py, which they share): a larger
dataset, a slowed-down simulator and paging sized for both, so that a run lasts long enough to be
killed at every stage: mid-page, between pages, during publication."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "e2e"))
import harness  # noqa: E402  (found through the path above)

FILES = harness.CSV_FILES
USERNAME = "sim-user"
SIZES = ["--assets", "400", "--qids", "600", "--hosts", "300", "--detections-per-host", "8"]
SLOW = ["--ttfb-ms", "15", "--bandwidth", "4000000"]  # time to first byte, bytes per second
PAGING = {"assets": {"page_size": 50}, "kb": {"window_size": 1500, "max_qid": 15000},
          "vm": {"truncation_limit": 40}}
RETRY = "{backoff_initial: 10ms, backoff_max: 100ms}"  # quick retries, the default attempts


def workspace(root, password):
    """root as a harness workspace (output/, state/, auth.conf for `password`), kept on exit."""
    ws = harness.Workspace(root)
    ws.write_credentials(password, username=USERNAME)
    return ws


def start_simulator(ws, password, seed, name="sim"):
    """Starts qualys-sim on the crash tests' dataset, slowed down; stop it with .stop()."""
    simulator = harness.Simulator(ws, password=password, username=USERNAME, name=name,
                                  dataset=["--seed", str(seed)] + SIZES, extra=SLOW)
    return simulator.__enter__()


def write_config(ws, simulator, extra=None):
    """Writes the workspace's config.yaml for `simulator`; `extra` maps a job to more settings
    after the paging ones sized for SIZES."""
    jobs = {job: {"timeout": "50m", **settings, **(extra or {}).get(job, {})}
            for job, settings in PAGING.items()}
    return ws.write_config(simulator, jobs=jobs, retry=RETRY)
