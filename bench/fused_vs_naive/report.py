#!/usr/bin/env python3
"""Markdown table from bench_fused_vs_naive's JSON output.

    bench_fused_vs_naive --benchmark_repetitions=3 --benchmark_format=json > out.json
    python3 report.py out.json

With repetitions, the median of each benchmark is used; with a single run,
that run. Benchmark names are <loss>/<type>/<variant>/<N>; any variant name
(e.g. "fused") gets a row. Columns: CPU time per call, ns per element, and
the ratios time / handwritten, time / naive and time / floor (the x_floor
counter: time over bytes moved at the triad bandwidth of the working set).
"""
import json
import sys

TO_US = {"ns": 1e-3, "us": 1.0, "ms": 1e3, "s": 1e6}


def runs(doc):
    """(loss, type, N, variant) -> benchmark entry, medians preferred."""
    chosen = {}
    for b in doc["benchmarks"]:
        if b.get("run_type") == "aggregate" and b.get("aggregate_name") != "median":
            continue
        loss, typ, variant, n = b["run_name"].split("/")[:4]
        key = (loss, typ, int(n), variant)
        if b.get("run_type") == "aggregate" or key not in chosen:
            chosen[key] = b
    return chosen


def ratio(time, other):
    return f"{time / other:.2f}" if other else "–"


def main(path):
    with open(path) as f:
        doc = json.load(f)
    chosen = runs(doc)
    ctx = doc.get("context", {})
    print(f"triad bandwidth over 64 MiB: {float(ctx.get('triad_GBps_64MiB', 'nan')):.1f} GB/s "
          f"(write-allocate counted); triplet D = {ctx.get('triplet_D', '?')}; "
          "times are CPU time (wall-clock time for the multi-threaded variants), "
          "medians of the repetitions\n")
    print("| loss | type | N | variant | time/call (µs) | ns/elem | × handwritten | × naive | × floor |")
    print("|---|---|---:|---|---:|---:|---:|---:|---:|")
    # Multi-threaded variants are registered with UseRealTime: their CPU time
    # would count the calling thread only.
    time_us = {k: b["real_time" if "threads" in k[3] else "cpu_time"] * TO_US[b["time_unit"]]
               for k, b in chosen.items()}
    order = {"naive": 0, "handwritten": 1, "floor": 3}  # other variants (fused) go third
    for key in sorted(chosen, key=lambda k: (k[0], k[1], k[2], order.get(k[3], 2), k[3])):
        loss, typ, n, variant = key
        b = chosen[key]
        t = time_us[key]
        hand = time_us.get((loss, typ, n, "handwritten"))
        naive = time_us.get((loss, typ, n, "naive"))
        size = f"{n:.0e}".replace("e+0", "e")
        print(f"| {loss} | {typ} | {size} | {variant} | {t:.4g} | {b['ns_per_elem']:.3f} | "
              f"{ratio(t, hand)} | {ratio(t, naive)} | {b['x_floor']:.2f} |")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: report.py <google-benchmark-output.json>")
    main(sys.argv[1])
