// The counters every case of the fused-vs-naive comparison reports, so that
// all variants of a case are read on the same scale.
#pragma once

#include <cstddef>
#include <string>

#include <sys/resource.h>

#include <benchmark/benchmark.h>

#include "common/bandwidth.hpp"

namespace xloss_bench {

// Minor page faults of this process so far. A kernel that allocates fresh
// pages per call pays ~11-15 us per 4 KiB page on these VMs, which can dwarf
// the arithmetic; the counter makes that visible instead of leaving it hidden
// in the time.
inline long minor_faults() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_minflt;
}

// What one case moves and how big it is. elements counts what "per element"
// means for the loss (BCE: samples; triplet: rows * D coordinates).
struct case_size {
  double elements;
  double bytes_moved;             // inputs once + outputs twice (write-allocate)
  std::size_t working_set_bytes;  // inputs + outputs, for the triad floor
};

// Sets, per call of the kernel:
//   ns_per_elem    time / elements, in ns
//   bytes_per_elem bytes_moved / elements (constant per loss and type)
//   x_floor        time / floor_seconds(bytes_moved, working_set)
//   triad_GBps     the triad bandwidth the floor uses (same for all variants)
//   faults         minor page faults per call (faults_before: at loop start)
// The rates use the time the benchmark reports: CPU time (see bandwidth.hpp).
inline void set_counters(benchmark::State& state, const case_size& size, long faults_before) {
  using C = benchmark::Counter;
  const double floor = floor_seconds(size.bytes_moved, size.working_set_bytes);
  state.counters["ns_per_elem"] = C(size.elements * 1e-9, C::kIsIterationInvariantRate | C::kInvert);
  state.counters["bytes_per_elem"] = size.bytes_moved / size.elements;
  state.counters["x_floor"] = C(floor, C::kIsIterationInvariantRate | C::kInvert);
  state.counters["triad_GBps"] = triad_bandwidth(size.working_set_bytes) * 1e-9;
  state.counters["faults"] = C(double(minor_faults() - faults_before), C::kAvgIterations);
}

}  // namespace xloss_bench
