#!/usr/bin/env python3
"""How much of a paced run's tail is the machine's: each target's p99 outside the windows in which the machine as a
whole was slow, and how many slow requests each target had inside them.

    episodes.py DIR NAME... REFERENCE

Reads DIR/trace-NAME-ROUND.txt ("due_epoch_ms latency_us" per request, as gateway-ab.sh writes them) for every
round. It cuts the run into windows of EPISODE_WINDOW_MS (default 1000) by due time, takes every target's requests
in a window together, and calls the window an episode when at least EPISODE_SHARE (default 0.1) of them took over
EPISODE_SLOW_MS (default 20). Then it prints, per target, the p99 over all its requests, its p50, p99 and p99.9
outside the episodes with the p99's ratio to the reference's, and its requests over EPISODE_SLOW_MS inside them.

The criterion is the machine's, not one target's: with gateway-ab.sh's 100 ms turns a turn of every target falls in
each 1 s window, so an episode counts the same for all. With 1 s turns a window holds mostly one target's turn and
the criterion leans on whichever that was. The VMs these runs had stall for 300-500 ms about once a minute
(docs/benchmarks.md, issue 22, twenty-sixth session); outside such windows the gateways' own tails can be compared.
"""
import collections
import glob
import os
import re
import sys


def percentile(sorted_values, q):
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))] / 1000


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    directory, names = sys.argv[1], sys.argv[2:]
    window_ms = int(os.environ.get("EPISODE_WINDOW_MS", "1000"))
    slow_us = 1000 * float(os.environ.get("EPISODE_SLOW_MS", "20"))
    share = float(os.environ.get("EPISODE_SHARE", "0.1"))

    requests = {}
    for name in names:
        pattern = re.compile(r"trace-" + re.escape(name) + r"-\d+\.txt$")
        rows = []
        for path in glob.glob(os.path.join(directory, "trace-" + glob.escape(name) + "-*.txt")):
            if not pattern.search(path):
                continue
            with open(path) as trace:
                for line in trace:
                    fields = line.split()
                    if len(fields) == 2:
                        rows.append((int(float(fields[0])) // window_ms, int(fields[1])))
        if not rows:
            sys.exit(f"no trace-{name}-ROUND.txt in {directory}")
        requests[name] = rows

    windows = collections.defaultdict(lambda: [0, 0])
    for rows in requests.values():
        for window, latency in rows:
            counts = windows[window]
            counts[0] += 1
            counts[1] += latency > slow_us
    episodes = {window for window, (total, slow) in windows.items() if slow >= share * total}
    print(f"{len(episodes)} of {len(windows)} windows of {window_ms} ms were episodes "
          f"(at least {share:.0%} of all targets' requests over {slow_us / 1000:g} ms)")

    outside_p99 = {}
    lines = []
    for name in names:
        everything = sorted(latency for _, latency in requests[name])
        outside = sorted(latency for window, latency in requests[name] if window not in episodes)
        slow_inside = sum(1 for window, latency in requests[name] if window in episodes and latency > slow_us)
        outside_p99[name] = percentile(outside, 0.99)
        lines.append((name, len(everything), percentile(everything, 0.99), len(outside), percentile(outside, 0.5),
                      outside_p99[name], percentile(outside, 0.999), slow_inside))

    reference = names[-1]
    print("| target | requests | p99 ms | outside: requests | p50 ms | p99 ms | p99.9 ms | p99 / reference's "
          "| inside: over the slow mark |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, total, p99, n_outside, p50, p99_outside, p999, slow_inside in lines:
        ratio = "" if name == reference else f"{p99_outside / outside_p99[reference]:.2f}"
        print(f"| {name} | {total} | {p99:.2f} | {n_outside} | {p50:.2f} | {p99_outside:.2f} | {p999:.2f} | {ratio} "
              f"| {slow_inside} |")


if __name__ == "__main__":
    main()
