#!/usr/bin/env python3
"""Where a server's tail comes from: how many of the requests slower than a paced run's p99 were due while one of
the server's threads was running, against the share of the run's time that thread ran.

    slow_near.py RECORDING.jfr THREAD_NAME_PART TRACE...

RECORDING.jfr is a flight recording of the server (settings=profile) taken during the runs; TRACE files are
PacedGet.java's (PACED_TRACE: "due_epoch_ms latency_us" per request). For each trace it prints the share of its
100 ms windows in which, or just after which, the recording sampled a thread whose name contains THREAD_NAME_PART,
and the share of the requests at or above the trace's p99 that were due in those windows. A thread whose work
delays requests holds more of the slow ones than of the time. Reads the recording with the `jfr` first on PATH.
"""
import datetime
import json
import subprocess
import sys


def epoch_ms(stamp):
    base, _, fraction = stamp.rstrip("Z").partition(".")
    whole = datetime.datetime.strptime(base, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc)
    return whole.timestamp() * 1000 + float("0." + (fraction or "0")) * 1000


def samples(recording, thread_part):
    out = subprocess.run(["jfr", "print", "--json", "--events", "jdk.ExecutionSample", "--stack-depth", "1",
                          recording], check=True, capture_output=True, text=True).stdout
    events = json.loads(out)["recording"]["events"]
    return [epoch_ms(e["values"]["startTime"]) for e in events
            if thread_part in (e["values"]["sampledThread"] or {}).get("javaName", "")]


def main(recording, thread_part, traces):
    seen = samples(recording, thread_part)
    for trace in traces:
        rows = [tuple(map(float, line.split())) for line in open(trace) if line.strip()]
        latencies = sorted(latency for _, latency in rows)
        p99 = latencies[int(0.99 * len(latencies)) - 1]
        windows = {int(due // 100) for due, _ in rows}
        first, last = rows[0][0], rows[-1][0]
        near = set()
        for at in seen:
            if first - 100 <= at <= last:
                near |= {int(at // 100), int(at // 100) + 1}
        near &= windows
        slow = [due for due, latency in rows if latency >= p99]
        held = sum(1 for due in slow if int(due // 100) in near)
        print(f"{trace}: p99 {p99 / 1000:.2f} ms; '{thread_part}' ran in {len(near) / len(windows):.1%} of the time, "
              f"which held {held / len(slow):.1%} of the {len(slow)} requests at or above the p99")


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
