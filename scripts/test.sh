#!/usr/bin/env bash
# The test command (CI runs it through .ci/run). Installs what is missing, then
# for each configuration configures its own build dir under build/, builds
# everything with ninja -j2 and runs the whole CTest suite (unit tests, examples,
# compile-fail tests, the package consumer test, benchmark smoke tests).
#
#   scripts/test.sh [all|gcc|clang|asan]      (default: all)
#
#   gcc    g++ 12, Release at -O2, -march=native, benchmarks built
#   clang  clang++-14, Release at -O2, -march=native, benchmarks built
#   asan   g++ 12, ASan+UBSan, Debug at -O1, no -march=native (SSE2 path),
#          no benchmarks
#
# Ends with a summary per configuration and a closing "total: N passed, N
# failed" line; exits non-zero if any configuration failed.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

case ${1:-all} in
  all) configs=(gcc clang asan) ;;
  gcc|clang|asan) configs=("$1") ;;
  -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
  *) echo "test.sh: unknown configuration '$1' (expected all, gcc, clang or asan)" >&2
     exit 2 ;;
esac

bash scripts/install-deps.sh

# CMake options of one configuration. XLOSS_WERROR is spelled out so that a
# cached OFF in a reused build dir cannot soften CI.
cmake_options() {
  case $1 in
    gcc)   echo -DCMAKE_CXX_COMPILER=g++ -DCMAKE_BUILD_TYPE=Release ;;
    clang) echo -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=Release ;;
    asan)  echo -DCMAKE_CXX_COMPILER=g++ -DCMAKE_BUILD_TYPE=Debug -DXLOSS_SANITIZE=ON \
                -DXLOSS_NATIVE=OFF -DXLOSS_BUILD_BENCH=OFF ;;
  esac
  echo -DXLOSS_WERROR=ON -DXLOSS_BUILD_TESTS=ON -DXLOSS_BUILD_EXAMPLES=ON
}

# -O2 rather than CMake's -O3 keeps the Release builds quicker; -O1 keeps the
# sanitized Debug build fast enough to run the suite within CI's time.
release_flags="-O2 -DNDEBUG"
debug_flags="-O1 -g"

export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}

summary=()
total_passed=0
total_failed=0

# run_config <name>: configure, build and test one configuration, and record
# its outcome. A configuration that fails to configure or build, or whose
# ctest ends without a result line, counts as one failure.
run_config() {
  local name=$1 dir=build/test-$1 start=$SECONDS log
  log=$dir/ctest.log
  echo
  echo "==== xloss: configuration '$name' in $dir ===="
  # shellcheck disable=SC2046  # the options are words without spaces
  if ! cmake -S . -B "$dir" -G Ninja $(cmake_options "$name") \
         -DCMAKE_CXX_FLAGS_RELEASE="$release_flags" -DCMAKE_CXX_FLAGS_DEBUG="$debug_flags"; then
    record "$name" "$start" "configure FAILED" 0 1
    return
  fi
  # -k 0: report every target that fails to build, not just the first.
  if ! cmake --build "$dir" -j 2 -- -k 0; then
    record "$name" "$start" "build FAILED" 0 1
    return
  fi
  local status=ok
  ctest --test-dir "$dir" --output-on-failure -j 2 --no-tests=error --timeout 600 \
    2>&1 | tee "$log" || status=failed

  # ctest closes with "NN% tests passed, F tests failed out of T".
  local line failed total
  line=$(grep -E '[0-9]+ tests failed out of [0-9]+' "$log" | tail -n 1 || true)
  if [[ -z $line ]]; then
    record "$name" "$start" "ctest FAILED (no result line, see $log)" 0 1
    return
  fi
  failed=$(sed -E 's/.* ([0-9]+) tests failed out of ([0-9]+).*/\1/' <<< "$line")
  total=$(sed -E 's/.* ([0-9]+) tests failed out of ([0-9]+).*/\2/' <<< "$line")
  if [[ $status == failed && $failed == 0 ]]; then
    record "$name" "$start" "ctest FAILED (exit status, see $log)" "$total" 1
  else
    record "$name" "$start" "ctest: $line" $((total - failed)) "$failed"
  fi
}

# record <name> <start> <what> <passed> <failed>
record() {
  summary+=("$(printf '%-6s %5ds  %4d passed %4d failed  %s' \
    "$1" $((SECONDS - $2)) "$4" "$5" "$3")")
  total_passed=$((total_passed + $4))
  total_failed=$((total_failed + $5))
}

for name in "${configs[@]}"; do
  run_config "$name"
done

echo
echo "==== xloss test summary (counts are summed over configurations) ===="
printf '%s\n' "${summary[@]}"
echo "total: $total_passed passed, $total_failed failed"
((total_failed == 0))
