// What the report binaries (bench/report, bench/report_rows) share: the floor
// benchmark of a case and their command-line default.
#pragma once

#include <algorithm>
#include <cmath>
#include <memory>
#include <string_view>
#include <vector>

#include <benchmark/benchmark.h>

#include "common/bandwidth.hpp"
#include "common/counters.hpp"

namespace xloss_bench {

// The triad arrays of the last size asked for (one size at a time in memory).
template <class T>
triad_arrays<T>& triad_for(Eigen::Index m) {
  static std::unique_ptr<triad_arrays<T>> held;
  if (!held || held->a.size() != m) {
    held.reset();
    held = std::make_unique<triad_arrays<T>>(m);
  }
  return *held;
}

// The floor row of a case: a triad moving as many bytes as the case.
template <class T>
void bench_floor(benchmark::State& state, const case_size& size) {
  auto& arrays = triad_for<T>(Eigen::Index(std::ceil(size.bytes_moved / triad_bytes_per_element<T>)));
  T s = T(3);
  arrays.run(s);
  const long faults = minor_faults();
  for (auto _ : state) {
    benchmark::DoNotOptimize(s);
    arrays.run(s);
    benchmark::ClobberMemory();
  }
  set_counters(state, size, faults);
}

// benchmark::Initialize with 0.1 s per benchmark unless the command line sets
// --benchmark_min_time: Google Benchmark's 0.5 s would make the hundreds of
// benchmarks of a report binary take far too long. False on unknown flags.
inline bool initialize_report(int argc, char** argv) {
  std::vector<char*> args(argv, argv + argc);
  const bool has_min_time = std::any_of(args.begin() + 1, args.end(), [](const char* a) {
    return std::string_view(a).starts_with("--benchmark_min_time");
  });
  static char default_min_time[] = "--benchmark_min_time=0.1";
  if (!has_min_time) args.insert(args.begin() + 1, default_min_time);
  int count = int(args.size());
  benchmark::Initialize(&count, args.data());
  return !benchmark::ReportUnrecognizedArguments(count, args.data());
}

}  // namespace xloss_bench
