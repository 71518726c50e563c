// Lanes: what a primitive's value rule computes on.
//
// A lane value is either a plain scalar (float, double, long double for the
// reference evaluator, or a user type such as the operation-counting scalar
// of the tests) or an `xloss::simd::pack<T, W>`. Primitives are written once
// against the functions below; float/double scalars and packs go to xloss's
// vectorised math (never scalar libm in the fused loop), every other scalar
// type to std:: or its own overloads found by argument-dependent lookup.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include <xloss/simd/math.hpp>
#include <xloss/simd/pack.hpp>

namespace xloss::lane {

template <class V> inline constexpr bool is_pack_v = false;
template <class T, int W> inline constexpr bool is_pack_v<simd::pack<T, W>> = true;

// Scalars and packs that xloss's own vectorised math handles.
template <class V>
inline constexpr bool fast_v = is_pack_v<V> || std::is_same_v<V, float> || std::is_same_v<V, double>;

template <class V> struct scalar_of { using type = V; };
template <class T, int W> struct scalar_of<simd::pack<T, W>> { using type = T; };
template <class V> using scalar_t = typename scalar_of<V>::type;

template <class V> inline constexpr int width_v = 1;
template <class T, int W> inline constexpr int width_v<simd::pack<T, W>> = W;

// The mask type of a lane type: what its comparisons return.
template <class V> using mask_t = decltype(std::declval<V>() < std::declval<V>());

template <class V> V broadcast(scalar_t<V> s) { return V(s); }

// ---- selection and mask logic ----
// A float or double scalar select is done on the bits: both sides are
// computed anyway, and GCC otherwise turns a data-dependent choice in the
// per-sample code into a branch (measured: a clamp_min mispredicted on ~40 %
// of the samples of a row loss).
template <class M, class V>
[[gnu::always_inline]] inline V select(const M& m, const V& a, const V& b) {
  if constexpr (std::is_same_v<M, bool> && (std::is_same_v<V, float> || std::is_same_v<V, double>)) {
    using U = std::conditional_t<sizeof(V) == 4, std::uint32_t, std::uint64_t>;
    const U keep = U(0) - U(m);
    return std::bit_cast<V>((std::bit_cast<U>(a) & keep) | (std::bit_cast<U>(b) & ~keep));
  } else if constexpr (std::is_same_v<M, bool>) {
    return m ? a : b;
  } else {
    return simd::select(m, a, b);
  }
}
template <class M> M mask_and(const M& a, const M& b) {
  if constexpr (std::is_same_v<M, bool>) return a && b;
  else return a & b;
}
template <class M> M mask_or(const M& a, const M& b) {
  if constexpr (std::is_same_v<M, bool>) return a || b;
  else return a | b;
}
template <class M> M mask_not(const M& a) {
  if constexpr (std::is_same_v<M, bool>) return !a;
  else return ~a;
}

// ---- elementary functions ----
// Forced inline: GCC otherwise keeps these wrappers as calls around the
// (inlined) SIMD math, costing ~15% of an exp/log-bound loop.
#define XLOSS_LANE_UNARY(fn)                                  \
  template <class V> [[gnu::always_inline]] inline V fn(const V& x) { \
    if constexpr (fast_v<V>) return simd::fn(x);              \
    else { using std::fn; return fn(x); }                     \
  }
XLOSS_LANE_UNARY(exp)
XLOSS_LANE_UNARY(log)
XLOSS_LANE_UNARY(log1p)
XLOSS_LANE_UNARY(expm1)
XLOSS_LANE_UNARY(tanh)
XLOSS_LANE_UNARY(sqrt)
XLOSS_LANE_UNARY(abs)
#undef XLOSS_LANE_UNARY

template <class V> V min(const V& a, const V& b) { return lane::select(b < a, b, a); }
template <class V> V max(const V& a, const V& b) { return lane::select(a < b, b, a); }

// Lane l of a pack; a scalar is its own lane 0.
template <class V> [[gnu::always_inline]] inline scalar_t<V> lane_value(const V& v, int l) {
  if constexpr (is_pack_v<V>) return v.v[l];
  else return (void)l, v;
}

template <class V> V infinity() {
  return V(std::numeric_limits<scalar_t<V>>::infinity());
}
template <class V> V quiet_nan() {
  return V(std::numeric_limits<scalar_t<V>>::quiet_NaN());
}

}  // namespace xloss::lane
