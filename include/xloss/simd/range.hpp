#pragma once
// Range check over a buffer, a pack at a time: argument validation (e.g.
// "probabilities lie in [0, 1]") that costs little next to the fused loss it
// guards. A scalar loop with an early exit per element does not vectorise
// and took longer than the BCE kernel itself (docs/simd.md).
#include <cstddef>

#include "xloss/simd/math_detail.hpp"
#include "xloss/simd/memory.hpp"

namespace xloss::simd {

// Index of the first of p[0], p[stride], ..., p[(n - 1) stride] outside
// [lo, hi] (NaN is outside), or n when all are inside. Reads only those
// elements. Packs of W lanes are tested with detail::all_in; only a pack that
// fails, and the tail, are looked at lane by lane.
template <class T, int W = native_lanes<T>>
std::ptrdiff_t find_outside(const T* p, std::ptrdiff_t n, std::ptrdiff_t stride, T lo, T hi) {
  std::ptrdiff_t i = 0;
  if (stride == 1) {
    while (i + W <= n && detail::all_in(load<W>(p + i), lo, hi)) i += W;
  } else {
    while (i + W <= n && detail::all_in(load_strided<W>(p + i * stride, stride), lo, hi)) i += W;
  }
  for (; i < n; ++i)
    if (const T v = p[i * stride]; !(v >= lo && v <= hi)) return i;
  return n;
}

}  // namespace xloss::simd
