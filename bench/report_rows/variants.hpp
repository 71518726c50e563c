// What every section of bench_report_rows shares: the size limit, the thread
// counts of the variants, and the switch to the *_keep allocator setting.
//
// Benchmark names follow the report's contract: <loss>/<type>/<variant>/<size>,
// variant one of fused, fused_threads, naive, handwritten, torch, torch_threads,
// torch_keep, torch_keep_threads, floor. Multi-threaded variants are timed
// by the wall clock (UseRealTime); the others by the calling thread's CPU time.
#pragma once

#include <cstdlib>
#include <limits>
#include <string_view>
#include <thread>

#include <malloc.h>

namespace rows_report {

// XLOSS_BENCH_MAX_N=<n> in the environment drops the cases of more than n
// elements (row losses: B·D; CTC: T·N·C) before anything is generated or
// checked: the CI smoke pass uses 100000 to stay within seconds.
inline long max_size() {
  const char* env = std::getenv("XLOSS_BENCH_MAX_N");
  return env ? std::atol(env) : std::numeric_limits<long>::max();
}

// "All threads": every hardware thread of the machine.
inline int all_threads() {
  const unsigned n = std::thread::hardware_concurrency();
  return n > 0 ? int(n) : 1;
}

inline bool is_threaded(std::string_view variant) { return variant.ends_with("threads"); }

// The *_keep variants run libtorch with freed memory kept in the process:
// glibc then reuses its heap instead of returning pages to the kernel and
// faulting fresh ones in on the next call (~12 us per 4 KiB page on these
// VMs). M_MMAP_MAX = 0 serves even large blocks from the heap, and the
// heap's top is trimmed only beyond 1 GiB free. The same setting as
// bench_report_elementwise's, which report.py states. It is process-wide and
// cannot be undone, so the *_keep benchmarks are registered last.
inline void keep_freed_memory() {
  static const bool done = [] {
    mallopt(M_MMAP_MAX, 0);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    return true;
  }();
  (void)done;
}

}  // namespace rows_report
