// The memory-bandwidth floor: how fast could a kernel that only moves its bytes
// possibly run? Measured with a STREAM triad (a[i] = b[i] + s*c[i]) over the
// same working-set size as the case, so a cache-resident case is compared with
// cache bandwidth and a DRAM-sized one with DRAM bandwidth.
//
// Byte accounting, used for the triad and for every case alike: an input read
// costs its size once; an output written with ordinary stores costs it twice,
// because the CPU first reads the destination line (write-allocate) and later
// writes it back. On this machine (AMD EPYC, AVX-512) a 64 MiB triad moves
// 56 GB/s counted STREAM's way (2 reads + 1 write) but 75 GB/s counting the
// write-allocate, the same as a triad with non-temporal stores, which skip
// it: so write-allocate happens and is counted. A triad iteration therefore
// moves 4*sizeof(T) bytes.
#pragma once

#include <algorithm>
#include <cstddef>
#include <ctime>
#include <map>

#include "common/eigen.hpp"
#include <benchmark/benchmark.h>

#include "baselines/packet.hpp"

namespace xloss_bench {

// Bytes one triad element moves: two reads, one write, one write-allocate.
template <class T>
inline constexpr double triad_bytes_per_element = 4.0 * sizeof(T);

// a = b + s*c over m elements, with Eigen packets so that it uses the same
// vector width as the hand-written baselines.
template <class T>
void triad(T* a, const T* b, const T* c, T s, Eigen::Index m) {
  namespace ei = Eigen::internal;
  using P = baselines::Packet<T>;
  constexpr Eigen::Index w = baselines::packet_size<T>;
  const P ps = ei::pset1<P>(s);
  Eigen::Index i = 0;
  for (; i + w <= m; i += w) {
    ei::pstoreu(a + i, ei::pmadd(ps, ei::ploadu<P>(c + i), ei::ploadu<P>(b + i)));
  }
  for (; i < m; ++i) a[i] = b[i] + s * c[i];
}

// Three first-touched arrays of m elements, for timing triad() on them.
template <class T>
struct triad_arrays {
  explicit triad_arrays(Eigen::Index m)
      : a(baselines::Vec<T>::Zero(m)), b(baselines::Vec<T>::Constant(m, T(1))),
        c(baselines::Vec<T>::Constant(m, T(2))) {}
  void run(T s) { triad(a.data(), b.data(), c.data(), s, a.size()); }
  baselines::Vec<T> a, b, c;
};

// CPU time of the calling thread, in seconds. The benchmarks report CPU time
// too: the 2 vCPUs of these VMs are shared, and wall time includes the time
// other tenants hold the core (2-3x at times), CPU time does not.
inline double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

// Triad bandwidth in bytes/s (write-allocate counted) with three arrays
// totalling working_set_bytes. Best of 9 batches of >= 2 ms CPU time, as STREAM
// reports its best rate: the floor should be the fastest the memory system
// went. Measured once per size and cached, so every case of a run shares it.
inline double triad_bandwidth(std::size_t working_set_bytes) {
  static std::map<std::size_t, double> cache;
  if (const auto it = cache.find(working_set_bytes); it != cache.end()) return it->second;

  const auto m = std::max<Eigen::Index>(
      Eigen::Index(working_set_bytes / (3 * sizeof(double))), baselines::packet_size<double>);
  triad_arrays<double> arrays(m);
  double s = 3.0;
  const auto batch = [&](long sweeps) {
    const double t0 = thread_cpu_seconds();
    for (long k = 0; k < sweeps; ++k) {
      benchmark::DoNotOptimize(s);
      arrays.run(s);
      benchmark::ClobberMemory();
    }
    return thread_cpu_seconds() - t0;
  };
  batch(1);  // warm the caches / TLB
  const double one = batch(1);
  const long sweeps = std::max(1L, long(2e-3 / std::max(one, 1e-9)));
  double best = batch(sweeps) / double(sweeps);
  for (int k = 1; k < 9; ++k) best = std::min(best, batch(sweeps) / double(sweeps));
  return cache[working_set_bytes] = triad_bytes_per_element<double> * double(m) / best;
}

// Time a kernel that moves bytes_moved (counted as above) would need at the
// triad bandwidth of its working set.
inline double floor_seconds(double bytes_moved, std::size_t working_set_bytes) {
  return bytes_moved / triad_bandwidth(working_set_bytes);
}

}  // namespace xloss_bench
