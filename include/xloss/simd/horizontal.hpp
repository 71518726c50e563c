#pragma once
// Horizontal reductions of one pack. The order of operations is fixed: fold
// the upper half onto the lower half lane-wise, and repeat until one lane is
// left. For W = 8: ((v0+v4)+(v2+v6)) + ((v1+v5)+(v3+v7)). The result depends
// only on the lane values, never on the compiler or the ISA, so a reduction
// built from hsum is reproducible run to run.
#include <bit>

#include "xloss/simd/pack_core.hpp"

namespace xloss::simd {

template <class T, int W> T hsum(pack<T, W> a) {
  if constexpr (W == 1) {
    return a.v[0];
  } else {
    const auto h = detail::halves(a);
    return hsum(h.lo + h.hi);
  }
}

// hmin/hmax fold with min/max, so with NaN lanes the result depends on where
// the NaN sits (see min/max); callers wanting NaN propagation test for it.
template <class T, int W> T hmin(pack<T, W> a) {
  if constexpr (W == 1) {
    return a.v[0];
  } else {
    const auto h = detail::halves(a);
    return hmin(min(h.lo, h.hi));
  }
}
template <class T, int W> T hmax(pack<T, W> a) {
  if constexpr (W == 1) {
    return a.v[0];
  } else {
    const auto h = detail::halves(a);
    return hmax(max(h.lo, h.hi));
  }
}

// Exact float -> double conversion of each lane. One instruction when the
// result fills a register: GCC 12 splits __builtin_convertvector of a half
// pack (from detail::halves) into two half conversions and a stack round trip.
template <int W> pack<double, W> widen(pack<float, W> a) {
  using V = typename pack<double, W>::vector_type;
  [[maybe_unused]] constexpr int bytes = W * static_cast<int>(sizeof(double));  // unused without the ISA
#if defined(__AVX512F__)
  if constexpr (bytes == 64) return pack<double, W>(std::bit_cast<V>(_mm512_cvtps_pd(std::bit_cast<__m256>(a.v))));
  else
#endif
#if defined(__AVX__)
  if constexpr (bytes == 32) return pack<double, W>(std::bit_cast<V>(_mm256_cvtps_pd(std::bit_cast<__m128>(a.v))));
  else
#endif
  return pack<double, W>(__builtin_convertvector(a.v, V));
}

// Sum of float lanes in double, same pairwise order as hsum.
template <int W> double hsum_wide(pack<float, W> a) { return hsum(widen(a)); }

template <detail::lane_scalar T> T hsum(T a) { return a; }
template <detail::lane_scalar T> T hmin(T a) { return a; }
template <detail::lane_scalar T> T hmax(T a) { return a; }
inline double widen(float a) { return a; }
inline double hsum_wide(float a) { return a; }

}  // namespace xloss::simd
