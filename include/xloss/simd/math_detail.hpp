#pragma once
// Building blocks shared by the elementary functions in math.hpp. Every
// function here is written once for a generic "lane" L, which is either a
// plain float/double or a pack<float|double, W>; the scalar and the vector
// versions therefore run the same operations and agree bit for bit.
#include <bit>
#include <cstddef>
#include <cstdint>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

#include "xloss/simd/pack_core.hpp"

namespace xloss::simd::detail {

template <class L> struct lane_traits;
template <lane_scalar T> struct lane_traits<T> {
  using value = T;
  using bits = uint_of<T>;
};
template <class T, int W> struct lane_traits<pack<T, W>> {
  using value = T;
  using bits = vec<uint_of<T>, W>;
};
template <class L> using value_t = typename lane_traits<L>::value;
template <class L> using bits_t = typename lane_traits<L>::bits;

// Fast path / slow path. Each function tests once per pack whether every
// lane is in its common range (detail::all_in) and runs the short code,
// forced inline (XLOSS_SIMD_INLINE) so the constants are hoisted out of the
// caller's loop; otherwise the whole pack goes to an out-of-line function
// (XLOSS_SIMD_SLOW) that also handles specials, overflow and subnormals.
#define XLOSS_SIMD_SLOW [[gnu::noinline, gnu::cold]]

// Every lane of x in [lo, hi] (a NaN lane is not). AVX-512 compares straight
// into a k-mask, the second compare masked by the first; the vector-mask
// route would convert the k-mask to a vector and back (two more
// instructions). Elsewhere: two compares, an and, one mask test.
template <class L> XLOSS_SIMD_INLINE bool all_in(L x, value_t<L> lo, value_t<L> hi) {
  if constexpr (lane_scalar<L>) {
    return x >= lo && x <= hi;
  } else {
#if defined(__AVX512F__)
    using T = value_t<L>;
    if constexpr (L::size * sizeof(T) == 64 && sizeof(T) == 4) {
      const __m512 v = std::bit_cast<__m512>(x.v);
      const __mmask16 m = _mm512_cmp_ps_mask(v, _mm512_set1_ps(lo), _CMP_GE_OQ);
      return _mm512_mask_cmp_ps_mask(m, v, _mm512_set1_ps(hi), _CMP_LE_OQ) == 0xffff;
    } else if constexpr (L::size * sizeof(T) == 64) {
      const __m512d v = std::bit_cast<__m512d>(x.v);
      const __mmask8 m = _mm512_cmp_pd_mask(v, _mm512_set1_pd(lo), _CMP_GE_OQ);
      return _mm512_mask_cmp_pd_mask(m, v, _mm512_set1_pd(hi), _CMP_LE_OQ) == 0xff;
    } else
#endif
    return all((x >= L(lo)) & (x <= L(hi)));
  }
}

// Raw bit vectors are passed by reference and produced by __builtin_bit_cast
// in place: a function (std::bit_cast too) taking or returning a 32/64-byte
// vector by value draws GCC's -Wpsabi warning in SSE2 builds.
template <class L> XLOSS_SIMD_INLINE L from_bits(const bits_t<L>& b) { return __builtin_bit_cast(L, b); }

// IEEE-754 binary32/binary64 layout and the constants of the range
// reductions (Cody & Waite split of ln 2: n * ln2_hi is exact for every n
// the reductions produce, so x - n*ln2 loses nothing even without FMA).
template <class T> struct ieee;
template <> struct ieee<float> {
  static constexpr int mant_bits = 23;
  static constexpr std::uint32_t bias = 127;
  static constexpr float log2e = 1.44269504088896341f;
  static constexpr float ln2_hi = 0.693359375f;        // 9 significant bits
  static constexpr float ln2_lo = -2.12194440054690583e-4f;
  static constexpr float min_normal = 0x1p-126f;
};
template <> struct ieee<double> {
  static constexpr int mant_bits = 52;
  static constexpr std::uint64_t bias = 1023;
  static constexpr double log2e = 1.44269504088896340736;
  static constexpr double ln2_hi = 6.93147180369123816490e-01;  // fdlibm, 32 bits
  static constexpr double ln2_lo = 1.90821492927058770002e-10;
  static constexpr double min_normal = 0x1p-1022;
};

// 1.5 * 2^mant: adding it to |y| < 2^(mant-1) rounds y to the nearest
// integer n, which then sits in the low bits of the sum's representation.
template <class T> inline constexpr T round_shifter = T(3) * T(std::uint64_t(1) << (ieee<T>::mant_bits - 1));

// Polynomial c[0]*x^(N-1) + ... + c[N-1], Horner with fma.
template <class L, std::size_t N> XLOSS_SIMD_INLINE L horner(L x, const value_t<L> (&c)[N]) {
  L r(c[0]);
  for (std::size_t i = 1; i < N; ++i) r = fma(r, x, L(c[i]));
  return r;
}

// The same polynomial by Estrin's scheme: split off the low M coefficients
// (M the largest power of two below the count), p = high(x) x^M + low(x),
// recursively. Horner is a chain of N - 1 dependent fmas; this is about
// log2(N) levels deep for a few more multiplies. In a fused loop whose exp
// feeds a log1p (softplus, BCE with logits) that chain is what the loop
// waits on: 0.84 ns/element with both, 0.42 without the exp, 0.27 without
// the log1p; 0.72 with Estrin. Unused powers (x^8 for N <= 8) are dead code.
template <class L> struct powers {
  L x1, x2, x4, x8;
  XLOSS_SIMD_INLINE L get(std::size_t m) const { return m == 1 ? x1 : m == 2 ? x2 : m == 4 ? x4 : x8; }
};
template <std::size_t Off, std::size_t Count, class L, std::size_t N>
XLOSS_SIMD_INLINE L estrin_part(const powers<L>& xp, const value_t<L> (&c)[N]) {
  static_assert(Count >= 1 && Count <= 16);
  if constexpr (Count == 1) {
    return L(c[Off]);
  } else {
    constexpr std::size_t m = Count > 8 ? 8 : Count > 4 ? 4 : Count > 2 ? 2 : 1;
    return fma(estrin_part<Off, Count - m>(xp, c), xp.get(m), estrin_part<Off + Count - m, m>(xp, c));
  }
}
template <class L, std::size_t N> XLOSS_SIMD_INLINE L estrin(L x, const value_t<L> (&c)[N]) {
  const L x2 = x * x, x4 = x2 * x2;
  return estrin_part<0, N>(powers<L>{x, x2, x4, x4 * x4}, c);
}

// x = n*ln2 + r + dr, |r| <= ln2/2 (+ rounding), dr the rounding error of r
// (|dr| <= ulp(r)/2); n both as a float lane and as two's-complement bits,
// and scale = 2^n, valid while 2^n is normal. Requires |x| small enough that
// |n| < 2^(mant-2).
template <class L> struct ln2_reduced {
  L r, dr, n;
  bits_t<L> n_bits;
  L scale;
};
template <class L> XLOSS_SIMD_INLINE ln2_reduced<L> reduce_ln2(L x) {
  using T = value_t<L>;
  // The shifter carries the exponent bias: t's low bits are then n + bias,
  // already the exponent field of 2^n (one shift instead of sub, add, shift;
  // the shifter's own bits shift out).
  const L s(round_shifter<T> + T(ieee<T>::bias));
  const L t = fma(x, L(ieee<T>::log2e), s);
  const L n = t - s;
  const L r_hi = fma(n, L(-ieee<T>::ln2_hi), x);  // exact
  const L r = fma(n, L(-ieee<T>::ln2_lo), r_hi);
  const L dr = fma(n, L(-ieee<T>::ln2_lo), r_hi - r);  // r_hi - r is exact
  const bits_t<L> t_bits = __builtin_bit_cast(bits_t<L>, t);
  return {r, dr, n, t_bits - __builtin_bit_cast(bits_t<L>, s), from_bits<L>(t_bits << ieee<T>::mant_bits)};
}

// 2^k for a two's-complement k within the normal exponent range.
template <class L> XLOSS_SIMD_INLINE L pow2(const bits_t<L>& k) {
  using T = value_t<L>;
  return from_bits<L>((k + ieee<T>::bias) << ieee<T>::mant_bits);
}

// y * 2^n for |n| <= 2 * bias, as y * 2^(n/2) * 2^(n - n/2): both factors are
// normal, so the only rounding is the final one (overflow to inf and gradual
// underflow into subnormals come out correctly rounded from y).
template <class L> struct pow2_pair { L lo, hi; };
template <class L> XLOSS_SIMD_INLINE pow2_pair<L> split_pow2(const bits_t<L>& n) {
  using T = value_t<L>;
  constexpr auto offset = 4 * ieee<T>::bias;  // keeps n + offset non-negative
  const bits_t<L> half = ((n + offset) >> 1) - offset / 2;
  return {pow2<L>(half), pow2<L>(n - half)};
}
template <class L> XLOSS_SIMD_INLINE L scale2(L y, const bits_t<L>& n) {
  const auto p = split_pow2<L>(n);
  return y * p.lo * p.hi;
}

// Every multiply-add below is an explicit fma: a product followed by an add
// in source could be contracted by the compiler for some lane widths and not
// others, and scalar and pack results would then differ.

// P(r) such that e^r - 1 = r + r^2 P(r) for |r| <= ln2/2 + eps: the Taylor
// series 1/2! + r/3! + ... truncated where the remainder is < 0.1 ulp
// (float: through 1/7!, double: through 1/14!); no fitted constants.
template <class L> XLOSS_SIMD_INLINE L expm1_taylor(L r) {
  using T = value_t<L>;
  if constexpr (sizeof(T) == 4) {
    static constexpr T c[] = {T(1.0 / 5040), T(1.0 / 720), T(1.0 / 120), T(1.0 / 24),
                              T(1.0 / 6),    T(0.5)};
    return estrin(r, c);
  } else {
    static constexpr T c[] = {1.0 / 87178291200.0, 1.0 / 6227020800.0, 1.0 / 479001600.0,
                              1.0 / 39916800.0,    1.0 / 3628800.0,    1.0 / 362880.0,
                              1.0 / 40320.0,       1.0 / 5040.0,       1.0 / 720.0,
                              1.0 / 120.0,         1.0 / 24.0,         1.0 / 6.0,
                              0.5};
    return estrin(r, c);
  }
}

// e^(r + dr) - 1 - r, the reduction error dr entering as dr (1 + r).
template <class L> XLOSS_SIMD_INLINE L expm1_tail(const ln2_reduced<L>& red) {
  return fma(red.r * red.r, expm1_taylor(red.r), fma(red.dr, red.r, red.dr));
}

// e^x - 1 = 2^n (r + q) + (2^n - 1), evaluated as two fmas (q = expm1_tail).
// Valid while 2^n is normal; exact up to the two roundings while 2^n - 1 is
// representable (n <= mant_bits + 1), and within 0.5 ulp of e^x beyond,
// which is all tanh needs.
template <class L> XLOSS_SIMD_INLINE L expm1_normal_range(L x) {
  using T = value_t<L>;
  const auto red = reduce_ln2(x);
  const L s = red.scale;
  return fma(s, expm1_tail(red), fma(s, red.r, s - L(T(1))));
}

}  // namespace xloss::simd::detail
