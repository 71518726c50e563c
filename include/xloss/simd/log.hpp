#pragma once
// log and log1p for float/double lanes (scalar or pack<T, W>).
#include <limits>

#include "xloss/simd/math_detail.hpp"

namespace xloss::simd {

namespace detail {
// u = 2^k m with m in [sqrt(1/2), sqrt(2)) taken from the bits (the exponent
// field offset so that it rounds at sqrt(2), not at 2), f = m - 1 (exact).
// k_adjust is subtracted from k (mant_bits when the caller scaled a
// subnormal up by 2^mant_bits, else 0). e_bits is k + bias as an integer,
// for log1p's 2^-k.
template <class L> struct log_reduced {
  L f, k;
  bits_t<L> e_bits;
};
template <class L> XLOSS_SIMD_INLINE log_reduced<L> log_reduce(L u, L k_adjust) {
  using T = value_t<L>;
  using U = uint_of<T>;
  constexpr int mant = ieee<T>::mant_bits;
  constexpr U sqrt_half_bits = sizeof(T) == 4 ? U(0x3f3504f3u) : U(0x3fe6a09e667f3bcdull);
  constexpr U one_bits = U(ieee<T>::bias) << mant;
  constexpr U mant_mask = (U(1) << mant) - 1;
  const bits_t<L> ix = __builtin_bit_cast(bits_t<L>, u) + (one_bits - sqrt_half_bits);
  const L m = from_bits<L>((ix & mant_mask) + sqrt_half_bits);
  const bits_t<L> e_bits = ix >> mant;
  // Biased exponent -> float without an int->float convert: 2^mant + e.
  // 2^mant + e - (2^mant + bias) is exact: one subtraction.
  constexpr T big = T(std::uint64_t(1) << mant);
  const L e_big = from_bits<L>(e_bits | __builtin_bit_cast(U, big));
  return {m - L(T(1)), e_big - L(big + T(ieee<T>::bias)) - k_adjust, e_bits};
}

// log(1 + f) + k ln2 + lo for f in [sqrt(1/2) - 1, sqrt(2) - 1] (a few ulps
// beyond are fine) and a tiny lo, added to the low-order terms,
//  float:  log(1+f) = f - f^2/2 + f^3 P(f), P of degree 7 interpolated at
//          Chebyshev nodes (tests/simd/fit_log.py; one degree below Cephes
//          logf's, well inside the error budget: docs/simd.md);
//  double: log(1+f) = f - h + s (h + R(s^2)), s = f/(2+f), h = f^2/2, R the
//          fdlibm e_log.c minimax polynomial (Lg1..Lg7, Sun Microsystems);
// k ln2 in Cody-Waite hi/lo parts. Polynomials by Estrin's scheme (see
// math_detail.hpp).
template <class L> XLOSS_SIMD_INLINE L log_poly(L f, L k, L lo) {
  using T = value_t<L>;
  if constexpr (sizeof(T) == 4) {
    static constexpr float p[] = {-0.079027437724f, 0.12622319849f, -0.12998183764f, 0.14214495924f,
                                  -0.16641281463f, 0.20001045094f, -0.25000306423f, 0.33333330728f};
    const L z = f * f;
    // The small terms are summed beside the polynomial, off its latency
    // chain (the loop of a fused loss waits on that chain).
    const L small = fma(z, L(-0.5f), fma(k, L(ieee<T>::ln2_lo), lo));  // explicit fmas: see math_detail.hpp
    const L y = fma(f * z, estrin(f, p), small);
    return fma(k, L(ieee<T>::ln2_hi), f + y);
  } else {
    static constexpr double lg[] = {1.479819860511658591e-01, 1.531383769920937332e-01,
                                    1.818357216161805012e-01, 2.222219843214978396e-01,
                                    2.857142874366239149e-01, 3.999999999940941908e-01,
                                    6.666666666666735130e-01};
    const L s = f / (L(2.0) + f);
    const L z = s * s;
    const L half_f = L(0.5) * f;
    const L hr = fma(z, estrin(z, lg), half_f * f);  // h + R, h = f^2/2
    const L inner = fma(s, hr, fma(k, L(ieee<T>::ln2_lo), lo));
    const L t = fma(half_f, f, -inner);  // h - inner; explicit fmas: see math_detail.hpp
    return fma(k, L(ieee<T>::ln2_hi), f - t);
  }
}

// log for a positive normal finite u (k_adjust: see log_reduce).
template <class L> XLOSS_SIMD_INLINE L log_core(L u, L k_adjust) {
  const auto r = log_reduce(u, k_adjust);
  return log_poly(r.f, r.k, L(value_t<L>(0)));
}

// log for a pack with a lane that is not a positive normal finite number:
// subnormals are scaled by 2^mant_bits first, then the special values set.
template <class L> XLOSS_SIMD_SLOW L log_slow(L x) {
  using T = value_t<L>;
  using lim = std::numeric_limits<T>;
  const L zero(T(0));
  constexpr T scale = T(std::uint64_t(1) << ieee<T>::mant_bits);
  const auto subnormal = x < L(lim::min());
  L y = log_core(select(subnormal, x * L(scale), x), select(subnormal, L(T(ieee<T>::mant_bits)), zero));
  y = select(x == L(lim::infinity()), x, y);
  y = select(x == L(T(0)), L(-lim::infinity()), y);
  return select(x >= L(T(0)), y, L(lim::quiet_NaN()));  // x < 0 or NaN
}

// Largest u = 1 + x on log1p's fast path: 2^-k (below) must be normal.
template <class T> inline constexpr T log1p_fast_hi = sizeof(T) == 4 ? T(0x1p126f) : T(0x1p1022);

// log1p(x) = log(u + c), u = fl(1 + x), c its exact rounding error
// (|c| <= ulp(u)/2). With u = 2^k (1 + f) (log_reduce):
//   log(u + c) = k ln2 + log(1 + f) + log(1 + d),  d = c 2^-k / (1 + f),
// |d| < 2^-23 (float). log(1 + d) ~ d and 1/(1 + f) ~ 1 - f + f^2 (relative
// errors |d|/2 and |f|^3 <= 0.07 of a term below an ulp) need no division:
// the former c/u cost one per element. d joins the polynomial's low-order
// terms, off its latency chain. Requires min_normal <= u <= log1p_fast_hi.
template <class L> XLOSS_SIMD_INLINE L log1p_of(L x, L u) {
  using T = value_t<L>;
  using U = uint_of<T>;
  const L one(T(1));
  // Fast2Sum with |a| >= |b| (x >= -1 here): a = 1, b = x or a = x, b = 1.
  const L c = min(x, one) - (u - max(x, one));
  const auto r = log_reduce(u, L(T(0)));
  const L c_scaled = c * from_bits<L>((U(2 * ieee<T>::bias) - r.e_bits) << ieee<T>::mant_bits);
  const L d = fma(-c_scaled, fma(-r.f, r.f, r.f), c_scaled);  // c 2^-k (1 - (f - f^2))
  // log1p(x) has the sign of x: or-ing it in makes log1p(-0) = -0 (the sum
  // gives +0) and changes no other result.
  using B = bits_t<L>;
  const B sign = __builtin_bit_cast(B, x) & (U(1) << (8 * sizeof(T) - 1));
  return from_bits<L>(__builtin_bit_cast(B, log_poly(r.f, r.k, d)) | sign);
}

// log1p for a pack with u = 1 + x not in [min_normal, log1p_fast_hi] in some
// lane. Above log1p_fast_hi, c/u < 2^-126 (float) is far below an ulp of
// log(u) > 87, so those lanes take log(u).
template <class L> XLOSS_SIMD_SLOW L log1p_slow(L x) {
  using T = value_t<L>;
  using lim = std::numeric_limits<T>;
  const L one(T(1));
  const L u = x + one;
  const auto big = u > L(log1p_fast_hi<T>);  // NaN is not big: its lane is overwritten below
  L y = log1p_of(select(big, L(T(0)), x), select(big, one, u));
  y = select(big, log_core(u, L(T(0))), y);
  y = select(u == L(lim::infinity()), u, y);
  y = select(u == L(T(0)), L(-lim::infinity()), y);
  return select(u >= L(T(0)), y, L(lim::quiet_NaN()));  // x < -1 or NaN
}

}  // namespace detail

// Natural logarithm. Method: detail::log_core. Packs with a lane that is not
// a positive normal finite number go to detail::log_slow. Measured max error
// vs std::log: docs/simd.md (< 1 ulp). Specials: log(+-0) = -inf,
// log(x < 0) = NaN, log(+inf) = +inf, NaN -> NaN, subnormal x to full
// accuracy.
template <class L> XLOSS_SIMD_INLINE L log(L x) {
  using T = detail::value_t<L>;
  using lim = std::numeric_limits<T>;
  if (!detail::all_in(x, lim::min(), lim::max())) [[unlikely]] return detail::log_slow(x);
  return detail::log_core(x, L(T(0)));
}

// log(1 + x). Method: detail::log1p_of. Measured max error: docs/simd.md.
// Packs with u = 1 + x outside [min_normal, 2^126] (float) / [min_normal,
// 2^1022] (double) in some lane go to detail::log1p_slow, which also does the
// special values: log1p(-1) = -inf, x < -1 -> NaN, +inf -> +inf, NaN -> NaN.
// Also +-0 -> +-0, tiny/subnormal x -> x.
template <class L> XLOSS_SIMD_INLINE L log1p(L x) {
  using T = detail::value_t<L>;
  using lim = std::numeric_limits<T>;
  const L u = x + L(T(1));
  if (!detail::all_in(u, lim::min(), detail::log1p_fast_hi<T>)) [[unlikely]] return detail::log1p_slow(x);
  return detail::log1p_of(x, u);
}

}  // namespace xloss::simd
