#!/usr/bin/env bash
# Compile cost of xloss: the include cost over Eigen/Core, and the time and
# peak memory to compile one translation unit instantiating one loss kernel
# (value + all gradients), at -O2, with the compiler given (default g++).
# Prints a markdown table. Run on an idle machine; each figure is the best of 3.
#
#   bench/compile_cost/measure.sh [compiler]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cxx=${1:-g++}
flags=(-std=c++20 -O2 -march=native -I"$root/include" -I"$root/dsl" -I/usr/include/eigen3 -c -o /dev/null)
echo "| translation unit | seconds | peak MB |"
echo "|---|---:|---:|"
for tu in eigen_only include_only kernel_bce kernel_triplet kernel_nll kernels_bce_triplet; do
  best_s=999 best_m=0
  for _ in 1 2 3; do
    out=$( { /usr/bin/time -f "%e %M" "$cxx" "${flags[@]}" "$here/$tu.cpp"; } 2>&1 | tail -1)
    s=${out% *} m=${out#* }
    if awk "BEGIN{exit !($s < $best_s)}"; then best_s=$s; best_m=$m; fi
  done
  printf '| %s | %s | %d |\n' "$tu" "$best_s" $((best_m / 1024))
done
