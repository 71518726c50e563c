#!/usr/bin/env bash
# Compile cost as instructions executed by the compiler (valgrind's
# cachegrind, no cache simulation): deterministic, so a change to the
# library's compile cost can be measured on a busy machine, where the times
# of measure.sh vary by ±20 %. Needs valgrind (apt-get install valgrind);
# about 40 s per translation unit.
#
#   bench/compile_cost/instructions.sh [compiler] [translation unit ...]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cxx=${1:-g++}
shift || true
tus=("$@")
[ ${#tus[@]} -gt 0 ] || tus=(eigen_only include_only kernel_bce kernel_triplet kernel_nll kernels_bce_triplet)
flags=(-std=c++20 -O2 -march=native -I"$root/include" -I"$root/dsl" -I/usr/include/eigen3 -c -o /dev/null)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "| translation unit | compiler instructions (10^9) |"
echo "|---|---:|"
for tu in "${tus[@]}"; do
  rm -f "$out"/cg.*
  valgrind --tool=cachegrind --cache-sim=no --trace-children=yes --cachegrind-out-file="$out/cg.%p" \
    "$cxx" "${flags[@]}" "$here/$tu.cpp" 2>/dev/null
  total=$(cat "$out"/cg.* | awk '/^summary:/ {s += $2} END {printf "%.2f", s / 1e9}')
  printf '| %s | %s |\n' "$tu" "$total"
done
