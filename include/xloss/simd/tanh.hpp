#pragma once
// tanh for float/double lanes (scalar or pack<T, W>).
#include "xloss/simd/exp.hpp"

namespace xloss::simd {

namespace detail {
// g(a^2) with tanh(a) = a + a^3 g(a^2) for 0 <= a < 0.55, interpolated at Chebyshev
// nodes (coefficients from tests/simd/fit_tanh.py; relative error of g:
// float 1.2e-9, double 2.3e-17).
template <class L> XLOSS_SIMD_INLINE L tanh_small_g(L a) {
  using T = value_t<L>;
  const L s = a * a;
  if constexpr (sizeof(T) == 4) {
    static constexpr float g[] = {0.002526390711f, -0.008526333058f, 0.02181844913f,
                                  -0.05396470045f, 0.133333242f,     -0.333333333f};
    return horner(s, g);
  } else {
    static constexpr double g[] = {
        -0.000020602765376366341605, 0.000085113136855776715155, -0.00023463474108872371445,
        0.00058893605200740577697,   -0.0014556618301007160336,  0.0035921103786890238773,
        -0.0088632343978143548378,   0.021869488493666941903,    -0.053968253967434014504,
        0.13333333333332714826,      -0.33333333333333332561};
    return horner(s, g);
  }
}
}  // namespace detail

// Hyperbolic tangent, for a = |x| (sign copied back at the end):
//   a < 0.55:  a + a^3 g(a^2) (detail::tanh_small_g);
//   a >= 0.55: u/(u + 2) with u = e^(2a) - 1 >= 2, where the error of u
//              enters damped by 2/(u + 2) <= 1/2. a is capped at 9.5 (float)
//              / 19.5 (double), beyond where tanh rounds to 1; there u + 2
//              rounds to u and the quotient is exactly 1.
// Both branches are computed (branch-free). Measured max error vs std::tanh:
// docs/simd.md. Specials: tanh(+-0) = +-0, tanh(+-inf) = +-1, NaN -> NaN.
template <class L> XLOSS_SIMD_INLINE L tanh(L x) {
  using T = detail::value_t<L>;
  const L a = min(L(T(sizeof(T) == 4 ? 9.5 : 19.5)), abs(x));  // NaN stays NaN (min returns b)
  const L u = detail::expm1_normal_range(a + a);
  const L big = u / (u + L(T(2)));
  const L small = fma(a * (a * a), detail::tanh_small_g(a), a);
  const L t = select(a < L(T(0.55)), small, big);
  using B = detail::bits_t<L>;
  const B sign = __builtin_bit_cast(B, x) & (detail::uint_of<T>(1) << (8 * sizeof(T) - 1));
  return detail::from_bits<L>(__builtin_bit_cast(B, t) | sign);
}

}  // namespace xloss::simd
