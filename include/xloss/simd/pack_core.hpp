#pragma once
// pack<T, W> and mask<T, W>: fixed-width SIMD lanes over GCC/Clang vector
// extensions, with lane-wise arithmetic, comparisons, select/min/max/abs/
// sqrt/fma. Every named function also has a plain-T overload so generic code
// written for "a lane" works with W = 1 scalars too.
#include <bit>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <utility>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

// The math functions force their common path inline (see math_detail.hpp):
// left to itself GCC keeps exp/log1p as calls inside a fused loop, and every
// call then re-broadcasts its constants and pays the call.
#define XLOSS_SIMD_INLINE [[gnu::always_inline]] inline

namespace xloss::simd {

// Width rule: one native register. -march=native on this machine => AVX-512.
#if defined(__AVX512F__)
inline constexpr int register_bytes = 64;
#elif defined(__AVX__)
inline constexpr int register_bytes = 32;
#else
inline constexpr int register_bytes = 16;
#endif
template <class T>
inline constexpr int native_lanes = register_bytes / static_cast<int>(sizeof(T));

// fma() is fused (one rounding) only where the hardware fuses; otherwise it
// is a*b+c with two roundings. A software fma would be ~50x slower, and all
// math kernels here are accurate either way (tested in both builds).
#if defined(__FMA__) || defined(__AVX512F__)
inline constexpr bool has_fma = true;
#else
inline constexpr bool has_fma = false;
#endif

namespace detail {
template <class T>
concept lane_scalar = std::same_as<T, float> || std::same_as<T, double>;

template <class T> using int_of = std::conditional_t<sizeof(T) == 4, std::int32_t, std::int64_t>;
template <class T> using uint_of = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;

// GCC ignores vector_size on an alias template's dependent type, but honours
// it on a member typedef of a class template.
template <class E, int W> struct vec_impl {
  typedef E type __attribute__((vector_size(W * sizeof(E))));
};
template <class E, int W> using vec = typename vec_impl<E, W>::type;

template <int W> inline constexpr bool valid_width = W >= 1 && (W & (W - 1)) == 0;
}  // namespace detail

template <detail::lane_scalar T, int W> requires detail::valid_width<W> struct pack;

// Lane mask: an integer vector, all-ones in set lanes, zero elsewhere.
template <detail::lane_scalar T, int W> requires detail::valid_width<W>
struct mask {
  using value_type = T;
  using vector_type = detail::vec<detail::int_of<T>, W>;
  static constexpr int size = W;
  vector_type v;

  bool operator[](int i) const { return v[i] != 0; }

  friend mask operator&(mask a, mask b) { return {a.v & b.v}; }
  friend mask operator|(mask a, mask b) { return {a.v | b.v}; }
  friend mask operator^(mask a, mask b) { return {a.v ^ b.v}; }
  friend mask operator~(mask a) { return {~a.v}; }
};

template <detail::lane_scalar T, int W> requires detail::valid_width<W>
struct pack {
  using value_type = T;
  using vector_type = detail::vec<T, W>;
  using mask_type = mask<T, W>;
  static constexpr int size = W;
  vector_type v;

  pack() = default;
  pack(T x) : v(x - vector_type{}) {}  // broadcast (x - 0 keeps -0); implicit on purpose
  explicit pack(const vector_type& x) : v(x) {}  // by reference: see abs() on -Wpsabi

  static pack iota(T start) {
    pack r;
    for (int i = 0; i < W; ++i) r.v[i] = start + static_cast<T>(i);
    return r;
  }
  T operator[](int i) const { return v[i]; }

  // Hidden friends: found by ADL and accept a T on either side (broadcast).
  friend pack operator+(pack a, pack b) { return pack(a.v + b.v); }
  friend pack operator-(pack a, pack b) { return pack(a.v - b.v); }
  friend pack operator*(pack a, pack b) { return pack(a.v * b.v); }
  friend pack operator/(pack a, pack b) { return pack(a.v / b.v); }
  friend pack operator-(pack a) { return pack(-a.v); }
  pack& operator+=(pack b) { v += b.v; return *this; }
  pack& operator-=(pack b) { v -= b.v; return *this; }
  pack& operator*=(pack b) { v *= b.v; return *this; }
  pack& operator/=(pack b) { v /= b.v; return *this; }

  // IEEE comparisons: any NaN operand gives false, except for !=.
  friend mask_type operator==(pack a, pack b) { return {a.v == b.v}; }
  friend mask_type operator!=(pack a, pack b) { return {a.v != b.v}; }
  friend mask_type operator<(pack a, pack b) { return {a.v < b.v}; }
  friend mask_type operator<=(pack a, pack b) { return {a.v <= b.v}; }
  friend mask_type operator>(pack a, pack b) { return {a.v > b.v}; }
  friend mask_type operator>=(pack a, pack b) { return {a.v >= b.v}; }
};

namespace detail {
template <class X> struct is_pack : std::false_type {};
template <class T, int W> struct is_pack<pack<T, W>> : std::true_type {};
template <class X> inline constexpr bool is_pack_v = is_pack<X>::value;

// The pack type among a function's arguments (the others are broadcast).
template <class... X> struct pack_among;
template <class X, class... R> struct pack_among<X, R...> {
  using type = std::conditional_t<is_pack_v<X>, X, typename pack_among<R...>::type>;
};
template <> struct pack_among<> { using type = void; };
}  // namespace detail

// Operands of a lane-wise function: at least one pack<T, W>, the rest that
// same pack or anything convertible to it (a T).
template <class... X>
concept pack_args = (detail::is_pack_v<X> || ...) &&
                    (std::convertible_to<X, typename detail::pack_among<X...>::type> && ...);
template <class... X> using pack_among_t = typename detail::pack_among<X...>::type;

// ---- masks ----
namespace detail {
// Any/all lanes set, one test instruction per native register (a lane loop
// would extract every lane).
template <class T, int W> bool mask_any(mask<T, W> m) {
  constexpr int bytes = W * static_cast<int>(sizeof(T));
  if constexpr (bytes > register_bytes) {
    typename mask<T, W / 2>::vector_type lo, hi;
    std::memcpy(&lo, &m.v, sizeof lo);
    std::memcpy(&hi, reinterpret_cast<const char*>(&m.v) + sizeof lo, sizeof hi);
    return mask_any(mask<T, W / 2>{lo | hi});
  }
#if defined(__AVX512F__)
  else if constexpr (bytes == 64) return _mm512_test_epi32_mask(std::bit_cast<__m512i>(m.v), std::bit_cast<__m512i>(m.v)) != 0;
#endif
#if defined(__AVX__)
  else if constexpr (bytes == 32) return !_mm256_testz_si256(std::bit_cast<__m256i>(m.v), std::bit_cast<__m256i>(m.v));
#endif
#if defined(__SSE2__)
  else if constexpr (bytes == 16) return _mm_movemask_epi8(std::bit_cast<__m128i>(m.v)) != 0;
#endif
  else {
    bool r = false;
    for (int i = 0; i < W; ++i) r |= m.v[i] != 0;
    return r;
  }
}

// All lanes set. Tested directly rather than as !any(~m): that saves the
// inversion (AVX: vptest's carry flag is "no bit of ~m set" for free).
template <class T, int W> bool mask_all(mask<T, W> m) {
  constexpr int bytes = W * static_cast<int>(sizeof(T));
  if constexpr (bytes > register_bytes) {
    typename mask<T, W / 2>::vector_type lo, hi;
    std::memcpy(&lo, &m.v, sizeof lo);
    std::memcpy(&hi, reinterpret_cast<const char*>(&m.v) + sizeof lo, sizeof hi);
    return mask_all(mask<T, W / 2>{lo & hi});
  }
#if defined(__AVX512F__)
  else if constexpr (bytes == 64) return _mm512_test_epi32_mask(std::bit_cast<__m512i>(m.v), std::bit_cast<__m512i>(m.v)) == 0xffff;
#endif
#if defined(__AVX__)
  else if constexpr (bytes == 32) return _mm256_testc_si256(std::bit_cast<__m256i>(m.v), _mm256_set1_epi32(-1));
#endif
#if defined(__SSE2__)
  else if constexpr (bytes == 16) return _mm_movemask_epi8(std::bit_cast<__m128i>(m.v)) == 0xffff;
#endif
  else {
    bool r = true;
    for (int i = 0; i < W; ++i) r &= m.v[i] != 0;
    return r;
  }
}
}  // namespace detail

template <class T, int W> bool any(mask<T, W> m) { return detail::mask_any(m); }
template <class T, int W> bool all(mask<T, W> m) { return detail::mask_all(m); }
inline bool any(bool m) { return m; }
inline bool all(bool m) { return m; }

// Lanes i < n are set (n <= 0: none, n >= W: all).
template <class T, int W> mask<T, W> first_n(int n) {
  using I = detail::int_of<T>;
  typename mask<T, W>::vector_type idx;
  for (int i = 0; i < W; ++i) idx[i] = static_cast<I>(i);
  return {idx < static_cast<I>(n)};
}

// ---- select / min / max / abs / sqrt / fma ----

// a where m is set, else b (a blend: exact, NaN payloads preserved).
template <class T, int W, class A, class B>
  requires std::convertible_to<A, pack<T, W>> && std::convertible_to<B, pack<T, W>>
pack<T, W> select(mask<T, W> m, A a, B b) {
  return pack<T, W>(m.v ? pack<T, W>(a).v : pack<T, W>(b).v);
}
template <detail::lane_scalar T> T select(bool m, T a, T b) { return m ? a : b; }

// min(a, b) = a < b ? a : b and max(a, b) = a > b ? a : b, lane-wise. So a
// NaN in either operand yields b (x86 minps/maxps semantics): max(NaN, 1) = 1,
// max(1, NaN) = NaN. Ties (+0, -0) also yield b.
// One vminps/vmaxps per native register (same semantics, operand order
// included); GCC 12 leaves the select as a compare and a blend.
namespace detail {
template <bool Max, class T, int W> pack<T, W> min_max(pack<T, W> a, pack<T, W> b) {
  constexpr int bytes = W * static_cast<int>(sizeof(T));
  using V [[maybe_unused]] = typename pack<T, W>::vector_type;  // unused without the ISA
  [[maybe_unused]] const auto bits = [](auto r) { return pack<T, W>(std::bit_cast<V>(r)); };
  if constexpr (bytes > register_bytes || bytes < 16) return select(Max ? a > b : a < b, a, b);
#if defined(__AVX512F__)
  else if constexpr (bytes == 64 && sizeof(T) == 4) {
    const __m512 x = std::bit_cast<__m512>(a.v), y = std::bit_cast<__m512>(b.v);
    return bits(Max ? _mm512_max_ps(x, y) : _mm512_min_ps(x, y));
  } else if constexpr (bytes == 64) {
    const __m512d x = std::bit_cast<__m512d>(a.v), y = std::bit_cast<__m512d>(b.v);
    return bits(Max ? _mm512_max_pd(x, y) : _mm512_min_pd(x, y));
  }
#endif
#if defined(__AVX__)
  else if constexpr (bytes == 32 && sizeof(T) == 4) {
    const __m256 x = std::bit_cast<__m256>(a.v), y = std::bit_cast<__m256>(b.v);
    return bits(Max ? _mm256_max_ps(x, y) : _mm256_min_ps(x, y));
  } else if constexpr (bytes == 32) {
    const __m256d x = std::bit_cast<__m256d>(a.v), y = std::bit_cast<__m256d>(b.v);
    return bits(Max ? _mm256_max_pd(x, y) : _mm256_min_pd(x, y));
  }
#endif
#if defined(__SSE2__)
  else if constexpr (bytes == 16 && sizeof(T) == 4) {
    const __m128 x = std::bit_cast<__m128>(a.v), y = std::bit_cast<__m128>(b.v);
    return bits(Max ? _mm_max_ps(x, y) : _mm_min_ps(x, y));
  } else if constexpr (bytes == 16) {
    const __m128d x = std::bit_cast<__m128d>(a.v), y = std::bit_cast<__m128d>(b.v);
    return bits(Max ? _mm_max_pd(x, y) : _mm_min_pd(x, y));
  }
#endif
  else return select(Max ? a > b : a < b, a, b);
}
}  // namespace detail
template <class A, class B> requires pack_args<A, B>
pack_among_t<A, B> min(A a, B b) {
  using P = pack_among_t<A, B>;
  return detail::min_max<false>(P(a), P(b));
}
template <class A, class B> requires pack_args<A, B>
pack_among_t<A, B> max(A a, B b) {
  using P = pack_among_t<A, B>;
  return detail::min_max<true>(P(a), P(b));
}
template <detail::lane_scalar T> T min(T a, T b) { return a < b ? a : b; }
template <detail::lane_scalar T> T max(T a, T b) { return a > b ? a : b; }

// |a|: clears the sign bit (so abs(-NaN) is a positive NaN, abs(-0) = +0).
// Raw vectors wider than the ISA's registers are reinterpreted with the
// __builtin_bit_cast builtin, never passed to or returned from a function
// (std::bit_cast included): GCC warns (-Wpsabi) about their ABI otherwise.
template <class T, int W> pack<T, W> abs(pack<T, W> a) {
  using U = detail::vec<detail::uint_of<T>, W>;
  constexpr auto magnitude = ~(detail::uint_of<T>(1) << (8 * sizeof(T) - 1));
  const U b = __builtin_bit_cast(U, a.v) & magnitude;
  return pack<T, W>(__builtin_bit_cast(typename pack<T, W>::vector_type, b));
}
template <detail::lane_scalar T> T abs(T a) { return std::fabs(a); }

namespace detail {
inline float fused_multiply_add(float a, float b, float c) { return __builtin_fmaf(a, b, c); }
inline double fused_multiply_add(double a, double b, double c) { return __builtin_fma(a, b, c); }

// Lane shuffles, so that a pack that fits a register stays in registers
// (AVX-512: vextractf64x4 / vinsertf64x4). A memcpy through memory costs a
// store and two loads, and on Zen 4 a 32-byte load from the upper half of a
// 64-byte store is not forwarded: measured as the largest single cost of a
// fused float loop that widens its loss sum half by half.
template <class T, int W> struct halves_t { pack<T, W / 2> lo, hi; };
template <class T, int W> halves_t<T, W> halves(pack<T, W> a) {
  halves_t<T, W> h;
  [&]<int... I>(std::integer_sequence<int, I...>) {
    h.lo.v = __builtin_shufflevector(a.v, a.v, I...);
    h.hi.v = __builtin_shufflevector(a.v, a.v, (I + W / 2)...);
  }(std::make_integer_sequence<int, W / 2>{});
  return h;
}
template <class T, int W> pack<T, 2 * W> join(pack<T, W> lo, pack<T, W> hi) {
  pack<T, 2 * W> r;
  [&]<int... I>(std::integer_sequence<int, I...>) {
    r.v = __builtin_shufflevector(lo.v, hi.v, I...);
  }(std::make_integer_sequence<int, 2 * W>{});
  return r;
}
}  // namespace detail

// Correctly rounded lane-wise square root: one instruction when the pack is
// a native x86 register, halves for wider packs, per lane for narrow ones.
template <class T, int W> pack<T, W> sqrt(pack<T, W> a) {
  constexpr int bytes = W * static_cast<int>(sizeof(T));
  using V [[maybe_unused]] = typename pack<T, W>::vector_type;  // unused without the ISA
  if constexpr (bytes > register_bytes) {
    auto h = detail::halves(a);
    return detail::join(sqrt(h.lo), sqrt(h.hi));
  }
#if defined(__AVX512F__)
  // maskz with a full mask: GCC 12's _mm512_sqrt_* trip -Wuninitialized.
  else if constexpr (bytes == 64 && sizeof(T) == 4) return pack<T, W>(std::bit_cast<V>(_mm512_maskz_sqrt_ps(0xffff, std::bit_cast<__m512>(a.v))));
  else if constexpr (bytes == 64) return pack<T, W>(std::bit_cast<V>(_mm512_maskz_sqrt_pd(0xff, std::bit_cast<__m512d>(a.v))));
#endif
#if defined(__AVX__)
  else if constexpr (bytes == 32 && sizeof(T) == 4) return pack<T, W>(std::bit_cast<V>(_mm256_sqrt_ps(std::bit_cast<__m256>(a.v))));
  else if constexpr (bytes == 32) return pack<T, W>(std::bit_cast<V>(_mm256_sqrt_pd(std::bit_cast<__m256d>(a.v))));
#endif
#if defined(__SSE2__)
  else if constexpr (bytes == 16 && sizeof(T) == 4) return pack<T, W>(std::bit_cast<V>(_mm_sqrt_ps(std::bit_cast<__m128>(a.v))));
  else if constexpr (bytes == 16) return pack<T, W>(std::bit_cast<V>(_mm_sqrt_pd(std::bit_cast<__m128d>(a.v))));
#endif
  else {
    pack<T, W> r;
    for (int i = 0; i < W; ++i) r.v[i] = std::sqrt(a.v[i]);
    return r;
  }
}
template <detail::lane_scalar T> T sqrt(T a) { return std::sqrt(a); }

namespace detail {
// Fused a*b + c on whole packs. An intrinsic per native register: a per-lane
// __builtin_fma loop vectorises in isolation but GCC 12 scalarises it once
// inlined into a larger kernel (measured 30x slower), so it is the fallback
// only for packs narrower than 16 bytes.
template <class T, int W> pack<T, W> fused(pack<T, W> a, pack<T, W> b, pack<T, W> c) {
  constexpr int bytes = W * static_cast<int>(sizeof(T));
  using V [[maybe_unused]] = typename pack<T, W>::vector_type;  // unused without the ISA
  if constexpr (bytes > register_bytes) {
    const auto x = halves(a), y = halves(b), z = halves(c);
    return join(fused(x.lo, y.lo, z.lo), fused(x.hi, y.hi, z.hi));
  }
#if defined(__AVX512F__)
  else if constexpr (bytes == 64 && sizeof(T) == 4)
    return pack<T, W>(std::bit_cast<V>(_mm512_fmadd_ps(std::bit_cast<__m512>(a.v), std::bit_cast<__m512>(b.v), std::bit_cast<__m512>(c.v))));
  else if constexpr (bytes == 64)
    return pack<T, W>(std::bit_cast<V>(_mm512_fmadd_pd(std::bit_cast<__m512d>(a.v), std::bit_cast<__m512d>(b.v), std::bit_cast<__m512d>(c.v))));
#endif
#if defined(__FMA__)
  else if constexpr (bytes == 32 && sizeof(T) == 4)
    return pack<T, W>(std::bit_cast<V>(_mm256_fmadd_ps(std::bit_cast<__m256>(a.v), std::bit_cast<__m256>(b.v), std::bit_cast<__m256>(c.v))));
  else if constexpr (bytes == 32)
    return pack<T, W>(std::bit_cast<V>(_mm256_fmadd_pd(std::bit_cast<__m256d>(a.v), std::bit_cast<__m256d>(b.v), std::bit_cast<__m256d>(c.v))));
  else if constexpr (bytes == 16 && sizeof(T) == 4)
    return pack<T, W>(std::bit_cast<V>(_mm_fmadd_ps(std::bit_cast<__m128>(a.v), std::bit_cast<__m128>(b.v), std::bit_cast<__m128>(c.v))));
  else if constexpr (bytes == 16)
    return pack<T, W>(std::bit_cast<V>(_mm_fmadd_pd(std::bit_cast<__m128d>(a.v), std::bit_cast<__m128d>(b.v), std::bit_cast<__m128d>(c.v))));
#endif
  else {
    pack<T, W> r;
    for (int i = 0; i < W; ++i) r.v[i] = fused_multiply_add(a.v[i], b.v[i], c.v[i]);
    return r;
  }
}
}  // namespace detail

// a*b + c: fused iff has_fma (see above), else two roundings.
template <class A, class B, class C> requires pack_args<A, B, C>
pack_among_t<A, B, C> fma(A a, B b, C c) {
  using P = pack_among_t<A, B, C>;
  if constexpr (has_fma) return detail::fused(P(a), P(b), P(c));
  else return P(a) * P(b) + P(c);
}
template <detail::lane_scalar T> T fma(T a, T b, T c) {
  if constexpr (has_fma) return detail::fused_multiply_add(a, b, c);
  else return a * b + c;
}

}  // namespace xloss::simd
