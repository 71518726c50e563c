#pragma once
// exp and expm1 for float/double lanes (scalar or pack<T, W>).
#include "xloss/simd/math_detail.hpp"

namespace xloss::simd {

namespace detail {
// fast: |x| up to here keeps 2^n normal (the common case, one multiply).
// hi/lo: the slow path clamps inputs to where the result has certainly over-
// or underflowed (the arithmetic then yields inf / 0 / -1 by itself); the
// clamp also maps NaN to a finite value so the integer code never sees it.
template <class T> struct exp_limits;
template <> struct exp_limits<float> {
  static constexpr float fast = 87.0f, hi = 89.0f, lo = -104.0f;
  static constexpr float expm1_fast_hi = 16.0f, expm1_lo = -20.0f;
};
template <> struct exp_limits<double> {
  static constexpr double fast = 708.0, hi = 710.0, lo = -746.0;
  static constexpr double expm1_fast_hi = 36.0, expm1_lo = -40.0;
};
template <class L> XLOSS_SIMD_INLINE L clamp_for_exp(L x, value_t<L> lo) {
  using T = value_t<L>;
  return max(min(x, L(exp_limits<T>::hi)), L(lo));  // NaN -> hi (see min)
}

// exp for a pack with a lane outside the fast range or NaN: 2^n applied in
// two exact steps (scale2), so overflow and gradual underflow round right.
template <class L> XLOSS_SIMD_SLOW L exp_slow(L x) {
  using T = value_t<L>;
  const auto red = reduce_ln2(clamp_for_exp(x, exp_limits<T>::lo));
  const L em1 = fma(red.r * red.r, expm1_taylor(red.r), red.r);
  const L y = scale2(L(T(1)) + em1, red.n_bits);
  return select(x != x, x, y);
}

// expm1 outside [-fast, expm1_fast_hi] or NaN: the fast path's formula for
// n <= mant_bits + 1, else (1 + r + q) 2^n - 1 scaled in two steps (the -1
// is then below half an ulp).
template <class L> XLOSS_SIMD_SLOW L expm1_slow(L x) {
  using T = value_t<L>;
  const auto red = reduce_ln2(clamp_for_exp(x, exp_limits<T>::expm1_lo));
  const L q = expm1_tail(red);
  const auto p = split_pow2<L>(red.n_bits);
  const L s = p.lo * p.hi;  // 2^n, inf when n is large
  const L small = fma(s, q, fma(s, red.r, s - L(T(1))));
  const L large = fma((L(T(1)) + (red.r + q)) * p.lo, p.hi, L(T(-1)));
  const L y = select(red.n > L(T(ieee<T>::mant_bits + 1)), large, small);
  return select(x == L(T(0)), x, select(x != x, x, y));
}
}  // namespace detail

// e^x. Method: x = n ln2 + r (Cody-Waite), e^r = 1 + (r + r^2 P(r)) with the
// Taylor polynomial of detail::expm1_taylor, times 2^n. Packs with a lane
// outside |x| <= 87 (float) / 708 (double), or NaN, go to detail::exp_slow;
// in-range lanes give the same bits on both paths. Measured max error vs
// std::exp: docs/simd.md (< 1 ulp, subnormal results included). Specials:
// overflow -> +inf, deep underflow -> +0, exp(-inf) = 0, exp(+inf) = inf,
// exp(+-0) = 1, NaN -> NaN.
template <class L> XLOSS_SIMD_INLINE L exp(L x) {
  using T = detail::value_t<L>;
  constexpr T fast = detail::exp_limits<T>::fast;
  if (!detail::all_in(x, -fast, fast)) [[unlikely]] return detail::exp_slow(x);
  const auto red = detail::reduce_ln2(x);
  const L em1 = fma(red.r * red.r, detail::expm1_taylor(red.r), red.r);
  // (1 + em1) 2^n as one fused fma: the same bits, 2^n and the result being
  // normal. Unfused, em1 2^n could be subnormal and round on its own.
  if constexpr (has_fma) return fma(em1, red.scale, red.scale);
  else return (L(T(1)) + em1) * red.scale;
}

// e^x - 1. Method: detail::expm1_normal_range (x = n ln2 + r as in exp, then
// 2^n (r + q) + (2^n - 1) in two fma roundings). Packs with a lane outside
// [-87, 16] (float) / [-708, 36] (double), or NaN, go to detail::expm1_slow.
// Measured max error: docs/simd.md. Specials: expm1(+-0) = +-0, subnormal
// x -> x, large x -> +inf, expm1(-inf) = -1, NaN -> NaN.
template <class L> XLOSS_SIMD_INLINE L expm1(L x) {
  using T = detail::value_t<L>;
  using lim = detail::exp_limits<T>;
  if (!detail::all_in(x, -lim::fast, lim::expm1_fast_hi)) [[unlikely]] return detail::expm1_slow(x);
  return select(x == L(T(0)), x, detail::expm1_normal_range(x));  // keeps the sign of zero
}

}  // namespace xloss::simd
