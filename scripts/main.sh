#!/usr/bin/env bash
# The main job: install what is missing, build in Release, run the
# fused-vs-naive benchmark report (BCE-with-logits and TripletMargin, float and
# double, N = 1e3 … 1e7: fused kernel, naive Eigen port, hand-written
# vectorised loop, memory-bandwidth floor) and the examples.
#
#   scripts/main.sh [extra Google Benchmark flags]
#
# Writes build/main/report.md (the table) and build/main/bench.json.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/install-deps.sh

build=build/main
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DXLOSS_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j2 --target bench_fused_vs_naive example_ctc_alignment example_ebm_collapse

echo "== examples"
for e in "$build"/examples/example_*; do
  echo "-- $(basename "$e")"
  "$e"
done

echo "== benchmark: fused vs naive vs hand-written vs bandwidth floor (1 thread unless named)"
"$build"/bench/fused_vs_naive/bench_fused_vs_naive --benchmark_repetitions=3 \
  --benchmark_report_aggregates_only=true --benchmark_out="$build/bench.json" \
  --benchmark_out_format=json "$@" >/dev/null
python3 bench/fused_vs_naive/report.py "$build/bench.json" | tee "$build/report.md"
