#!/usr/bin/env bash
# The main job: install what is missing (libtorch included, as the benchmark
# peer), build in Release, run the examples, then the benchmark report: every
# catalogue loss (value + all input gradients, reduction mean) as xloss's
# fused kernel on 1 and all threads, the naive Eigen port, a hand-written
# vectorised loop, libtorch eager forward + backward, and the bandwidth floor.
#
#   scripts/main.sh [extra Google Benchmark flags]
#
# Writes under build/main/: report.md (tables and the summary against the
# targets), report.svg (time over the floor per loss and variant), the raw
# Google Benchmark JSON, and compile_cost.md (seconds and peak memory to compile
# one translation unit per loss kernel, bench/compile_cost/per_loss.sh).
#
# The default keeps the run to a few minutes on 2 cores: 0.05 s per benchmark,
# one run each, double precision only up to N = 1e6. Flags given here come
# after the defaults and win, e.g.
#   scripts/main.sh --benchmark_filter=. --benchmark_repetitions=3   # everything, medians of 3
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
start=$SECONDS
bash scripts/install-deps.sh --with-torch

build=build/main
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DXLOSS_BUILD_TESTS=OFF >/dev/null
targets=(bench_report_elementwise bench_report_rows)
for src in examples/*.cpp; do
  targets+=("example_$(basename "$src" .cpp)")
done
cmake --build "$build" -j2 --target "${targets[@]}"
echo "== build: $((SECONDS - start)) s"

echo "== examples"
for src in examples/*.cpp; do
  name=example_$(basename "$src" .cpp)
  echo "-- $name"
  "$build/examples/$name"
done

defaults=(--benchmark_min_time=0.05 "--benchmark_filter=-/double/.*/10000000"
          --benchmark_out_format=json)
jsons=()
# run <binary> <json> [flags]: one benchmark binary, its JSON kept for the report.
run() {
  local bin=$1 json=$2
  shift 2
  echo "== benchmark: $(basename "$bin") ($((SECONDS - start)) s so far)"
  "$bin" "${defaults[@]}" --benchmark_out="$json" "$@" > /dev/null
  jsons+=("$json")
}
run "$build/bench/report/bench_report_elementwise" "$build/elementwise.json" "$@"
# Row losses and CTC: at B·D = 1e7 only fused, hand-written and the floor (one
# libtorch call takes seconds there); the last filter given wins.
run "$build/bench/report_rows/bench_report_rows" "$build/rows.json" \
  '--benchmark_filter=-/(double/.*|float/(naive|torch.*))/10000000' "$@"
echo "== compile cost per loss kernel ($((SECONDS - start)) s so far)"
bash bench/compile_cost/per_loss.sh -j 2 "$build" > "$build/compile_cost.md"

python3 bench/report/report.py --svg "$build/report.svg" "${jsons[@]}" > "$build/report.md"
# The summary is the part of report.md before the full table.
sed -n '/^## Summary/,/^## All measurements/p' "$build/report.md" | sed '$d'
echo "== wrote $build/report.md, $build/report.svg and $build/compile_cost.md"
echo "== total wall time: $((SECONDS - start)) s"
