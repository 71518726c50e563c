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
template <class L> L clamp_for_exp(L x, value_t<L> lo) {
  using T = value_t<L>;
  return max(min(x, L(exp_limits<T>::hi)), L(lo));  // NaN -> hi (see min)
}
}  // namespace detail

// e^x. Method: x = n ln2 + r (Cody-Waite), e^r = 1 + (r + r^2 P(r)) with the
// Taylor polynomial of detail::expm1_taylor, times 2^n. Packs with a lane
// outside |x| <= 87 (float) / 708 (double), or NaN, take a slower path that
// scales by 2^n in two exact steps (detail::scale2) so overflow and gradual
// underflow are rounded correctly; in-range lanes give the same bits on both
// paths. Measured max error vs std::exp: docs/simd.md (< 1 ulp, subnormal
// results included). Specials: overflow -> +inf, deep underflow -> +0,
// exp(-inf) = 0, exp(+inf) = inf, exp(+-0) = 1, NaN -> NaN.
template <class L> L exp(L x) {
  using T = detail::value_t<L>;
  if (all(abs(x) <= L(detail::exp_limits<T>::fast))) [[likely]] {
    const auto red = detail::reduce_ln2(x);
    const L em1 = fma(red.r * red.r, detail::expm1_taylor(red.r), red.r);
    return (L(T(1)) + em1) * detail::pow2<L>(red.n_bits);
  }
  const auto red = detail::reduce_ln2(detail::clamp_for_exp(x, detail::exp_limits<T>::lo));
  const L em1 = fma(red.r * red.r, detail::expm1_taylor(red.r), red.r);
  const L y = detail::scale2(L(T(1)) + em1, red.n_bits);
  return select(x != x, x, y);
}

// e^x - 1. Method: detail::expm1_normal_range (x = n ln2 + r as in exp, then
// 2^n (r + q) + (2^n - 1) in two fma roundings). Packs with a lane outside
// [-87, 16] (float) / [-708, 36] (double), or NaN, take a slower path: the
// same formula for n <= mant_bits + 1, else (1 + r + q) 2^n - 1 scaled in two
// steps (the -1 is then below half an ulp). Measured max error: docs/simd.md.
// Specials: expm1(+-0) = +-0, subnormal x -> x, large x -> +inf,
// expm1(-inf) = -1, NaN -> NaN.
template <class L> L expm1(L x) {
  using T = detail::value_t<L>;
  using lim = detail::exp_limits<T>;
  L y;
  if (all(x >= L(-lim::fast)) && all(x <= L(lim::expm1_fast_hi))) [[likely]] {
    y = detail::expm1_normal_range(x);
  } else {
    const auto red = detail::reduce_ln2(detail::clamp_for_exp(x, lim::expm1_lo));
    const L q = detail::expm1_tail(red);
    const auto p = detail::split_pow2<L>(red.n_bits);
    const L s = p.lo * p.hi;  // 2^n, inf when n is large
    const L small = fma(s, q, fma(s, red.r, s - L(T(1))));
    const L large = fma((L(T(1)) + (red.r + q)) * p.lo, p.hi, L(T(-1)));
    y = select(red.n > L(T(detail::ieee<T>::mant_bits + 1)), large, small);
    y = select(x != x, x, y);
  }
  return select(x == L(T(0)), x, y);  // keeps the sign of zero
}

}  // namespace xloss::simd
