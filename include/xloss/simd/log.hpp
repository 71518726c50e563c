#pragma once
// log and log1p for float/double lanes (scalar or pack<T, W>).
#include <limits>

#include "xloss/simd/math_detail.hpp"

namespace xloss::simd {

namespace detail {
// log(u) + c for a normal finite u > 0 and a small correction c (0 for log;
// the rounding error of 1 + x, divided by u, for log1p).
// u = 2^k m with m in [sqrt(1/2), sqrt(2)) taken from the bits, f = m - 1,
//  float:  log(1+f) = f - f^2/2 + f^3 P(f), P the Cephes logf minimax
//          polynomial (S. Moshier, Cephes Math Library, logf.c);
//  double: log(1+f) = f - h + s (h + R(s^2)), s = f/(2+f), h = f^2/2, R the
//          fdlibm e_log.c minimax polynomial (Lg1..Lg7, Sun Microsystems).
// plus k ln2 in Cody-Waite hi/lo parts.
// k_adjust is subtracted from k (mant_bits when the caller scaled a
// subnormal up by 2^mant_bits, else 0).
template <class L> XLOSS_SIMD_INLINE L log_core(L u, L c, L k_adjust) {
  using T = value_t<L>;
  using U = uint_of<T>;
  constexpr int mant = ieee<T>::mant_bits;
  // Offset the bits so the exponent field rounds at sqrt(2), not at 2.
  constexpr U sqrt_half_bits = sizeof(T) == 4 ? U(0x3f3504f3u) : U(0x3fe6a09e667f3bcdull);
  constexpr U one_bits = U(ieee<T>::bias) << mant;
  constexpr U mant_mask = (U(1) << mant) - 1;
  const bits_t<L> ix = __builtin_bit_cast(bits_t<L>, u) + (one_bits - sqrt_half_bits);
  const L m = from_bits<L>((ix & mant_mask) + sqrt_half_bits);
  // Biased exponent -> float without an int->float convert: 2^mant + e.
  const L e_big = from_bits<L>((ix >> mant) | __builtin_bit_cast(U, T(std::uint64_t(1) << mant)));
  const L k = e_big - L(T(std::uint64_t(1) << mant)) - L(T(ieee<T>::bias)) - k_adjust;
  const L f = m - L(T(1));
  if constexpr (sizeof(T) == 4) {
    static constexpr float p[] = {7.0376836292e-2f,  -1.1514610310e-1f, 1.1676998740e-1f,
                                  -1.2420140846e-1f, 1.4249322787e-1f,  -1.6668057665e-1f,
                                  2.0000714765e-1f,  -2.4999993993e-1f, 3.3333331174e-1f};
    const L z = f * f;
    L y = fma(f * z, horner(f, p), c);  // explicit fmas: see math_detail.hpp
    y = fma(k, L(ieee<T>::ln2_lo), y);
    y = fma(z, L(-0.5f), y);
    return fma(k, L(ieee<T>::ln2_hi), f + y);
  } else {
    static constexpr double lg[] = {1.479819860511658591e-01, 1.531383769920937332e-01,
                                    1.818357216161805012e-01, 2.222219843214978396e-01,
                                    2.857142874366239149e-01, 3.999999999940941908e-01,
                                    6.666666666666735130e-01};
    const L s = f / (L(2.0) + f);
    const L z = s * s;
    const L half_f = L(0.5) * f;
    const L hr = fma(z, horner(z, lg), half_f * f);  // h + R, h = f^2/2
    const L inner = fma(s, hr, fma(k, L(ieee<T>::ln2_lo), c));
    const L t = fma(half_f, f, -inner);  // h - inner; explicit fmas: see math_detail.hpp
    return fma(k, L(ieee<T>::ln2_hi), f - t);
  }
}
// log for a pack with a lane that is not a positive normal finite number:
// subnormals are scaled by 2^mant_bits first, then the special values set.
template <class L> XLOSS_SIMD_SLOW L log_slow(L x) {
  using T = value_t<L>;
  using lim = std::numeric_limits<T>;
  const L zero(T(0));
  constexpr T scale = T(std::uint64_t(1) << ieee<T>::mant_bits);
  const auto subnormal = x < L(lim::min());
  L y = log_core(select(subnormal, x * L(scale), x), zero,
                 select(subnormal, L(T(ieee<T>::mant_bits)), zero));
  y = select(x == L(lim::infinity()), x, y);
  y = select(x == L(T(0)), L(-lim::infinity()), y);
  return select(x >= L(T(0)), y, L(lim::quiet_NaN()));  // x < 0 or NaN
}

// log1p(x) = log(u) + c/u, u = fl(1 + x), c its exact rounding error
// (x - (u - 1), or 1 - (u - x) when u >= 2, both exact by Sterbenz/Fast2Sum).
template <class L> XLOSS_SIMD_INLINE L log1p_of(L x, L u) {
  using T = value_t<L>;
  const L one(T(1));
  const L c = select(u >= L(T(2)), one - (u - x), x - (u - one));
  return log_core(u, c / u, L(T(0)));
}

// log1p for a pack with u = 1 + x not positive normal finite in some lane.
template <class L> XLOSS_SIMD_SLOW L log1p_slow(L x) {
  using T = value_t<L>;
  using lim = std::numeric_limits<T>;
  const L u = x + L(T(1));
  L y = log1p_of(x, u);
  y = select(u == L(lim::infinity()), u, y);
  y = select(u == L(T(0)), L(-lim::infinity()), y);
  y = select(x == L(T(0)), x, y);  // keeps the sign of zero
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
  return detail::log_core(x, L(T(0)), L(T(0)));
}

// log(1 + x). Method: detail::log1p_of. Measured max error: docs/simd.md.
// Packs with u = 1 + x not positive normal finite in some lane go to
// detail::log1p_slow, for the special values: log1p(-1) = -inf, x < -1 ->
// NaN, +inf -> +inf, NaN -> NaN. Also +-0 -> +-0, tiny/subnormal x -> x.
template <class L> XLOSS_SIMD_INLINE L log1p(L x) {
  using T = detail::value_t<L>;
  using lim = std::numeric_limits<T>;
  const L u = x + L(T(1));
  if (!detail::all_in(u, lim::min(), lim::max())) [[unlikely]] return detail::log1p_slow(x);
  return select(x == L(T(0)), x, detail::log1p_of(x, u));  // keeps the sign of zero
}

}  // namespace xloss::simd
