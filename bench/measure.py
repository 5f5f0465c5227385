#!/usr/bin/env python3
# measure.py - the benchmark's stopwatch. `run LABEL LOG -- CMD...` runs CMD with
# its output to /dev/null, and appends to LOG one line: the label, wall-clock
# seconds, CPU seconds (user + system) and peak resident memory of CMD.
# `summary LOG PACKETS` prints the medians per label and the overheads.
# `own-peak LABEL LOG -- SCRIPT ARGS...` runs a Python script in this process
# and appends its own peak memory and that of the largest child it waited for
# (for mtls-report: the Python process apart from its tshark).
#
# SPDX-License-Identifier: GPL-2.0-or-later
import json
import os
import statistics
import subprocess
import sys
import time


def run(label, log, command):
    start = time.monotonic()
    with open(os.devnull, "wb") as devnull:
        process = subprocess.Popen(command, stdout=devnull)
        _, status, usage = os.wait4(process.pid, 0)
    wall = time.monotonic() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"measure: {' '.join(command)} failed ({status})")
    row = {"label": label, "wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024}
    with open(log, "a") as out:
        out.write(json.dumps(row) + "\n")
    print(f"  {label:<11} {wall:7.2f} s wall {row['cpu']:7.2f} s CPU {row['rss_mb']:7.0f} MB peak", flush=True)


def summary(log, packets):
    rows = [json.loads(line) for line in open(log)]
    labels = list(dict.fromkeys(row["label"] for row in rows))
    median = {label: {key: statistics.median(r[key] for r in rows if r["label"] == label)
                      for key in ("wall", "cpu", "rss_mb")} for label in labels}
    runs = {label: sum(1 for r in rows if r["label"] == label) for label in labels}
    print(f"\n{'run':<11} {'runs':>4} {'wall s':>8} {'CPU s':>8} {'packets/s':>11} {'peak MB':>8}")
    for label in labels:
        m = median[label]
        print(f"{label:<11} {runs[label]:>4} {m['wall']:8.2f} {m['cpu']:8.2f} {packets / m['wall']:11,.0f} {m['rss_mb']:8.0f}")
    base = median["baseline"]
    for label, what in (("plugin", "the plugin's run (-Y mtls.problem) against the baseline"),
                        ("same-read", "the baseline's read with the plugin loaded against the baseline")):
        if label in median:
            m = median[label]
            print(f"{what}: CPU x{m['cpu'] / base['cpu']:.3f} ({(m['cpu'] / base['cpu'] - 1) * 100:+.1f}%), "
                  f"wall x{m['wall'] / base['wall']:.3f}, memory {m['rss_mb'] - base['rss_mb']:+.0f} MB")


def own_peak(label, log, script, arguments):
    """The script runs here, not in a child: RUSAGE_SELF is then the script's
    own peak, and RUSAGE_CHILDREN the peak of the largest child it waited for."""
    import atexit
    import resource
    import runpy

    def record():
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        with open(log, "a") as out:
            out.write(json.dumps({"label": label, "python_mb": own, "child_mb": children}) + "\n")

    atexit.register(record)
    sys.argv = [script] + arguments
    runpy.run_path(script, run_name="__main__")


if __name__ == "__main__":
    if len(sys.argv) >= 5 and sys.argv[1] == "run" and sys.argv[4] == "--":
        run(sys.argv[2], sys.argv[3], sys.argv[5:])
    elif len(sys.argv) >= 6 and sys.argv[1] == "own-peak" and sys.argv[4] == "--":
        own_peak(sys.argv[2], sys.argv[3], sys.argv[5], sys.argv[6:])
    elif len(sys.argv) == 4 and sys.argv[1] == "summary":
        summary(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit(__doc__ if __doc__ else "usage: measure.py run LABEL LOG -- CMD... | summary LOG PACKETS")
