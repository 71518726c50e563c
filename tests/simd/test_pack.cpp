#define BOOST_TEST_MODULE simd_pack
#include <boost/mpl/list.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "xloss/simd/pack.hpp"

namespace simd = xloss::simd;

// Every width from one lane to 128 bytes: narrower than, equal to and wider
// than the native register in every build (SSE2, AVX2, AVX-512).
using packs = boost::mpl::list<simd::pack<float, 1>, simd::pack<float, 2>, simd::pack<float, 4>,
                               simd::pack<float, 8>, simd::pack<float, 16>, simd::pack<float, 32>,
                               simd::pack<double, 1>, simd::pack<double, 2>, simd::pack<double, 4>,
                               simd::pack<double, 8>, simd::pack<double, 16>>;

template <class T> bool same_bits(T a, T b) { return std::memcmp(&a, &b, sizeof a) == 0; }

template <class P> P random_pack(std::mt19937& g, double lo = -10, double hi = 10) {
  std::uniform_real_distribution<double> d(lo, hi);
  P p;
  for (int i = 0; i < P::size; ++i) p.v[i] = static_cast<typename P::value_type>(d(g));
  return p;
}

BOOST_AUTO_TEST_CASE(width_rule) {
  BOOST_TEST(simd::register_bytes == (simd::native_lanes<float> * 4));
  BOOST_TEST(simd::native_lanes<double> * 2 == simd::native_lanes<float>);
#if defined(__AVX512F__)
  BOOST_TEST(simd::register_bytes == 64);
#elif defined(__AVX__)
  BOOST_TEST(simd::register_bytes == 32);
#else
  BOOST_TEST(simd::register_bytes == 16);
#endif
}

BOOST_AUTO_TEST_CASE_TEMPLATE(construct_and_index, P, packs) {
  using T = typename P::value_type;
  static_assert(std::is_trivially_default_constructible_v<P>);
  static_assert(sizeof(P) == P::size * sizeof(T));
  const P b = T(2.5);
  const P i = P::iota(T(-3));
  for (int k = 0; k < P::size; ++k) {
    BOOST_TEST(b[k] == T(2.5));
    BOOST_TEST(i[k] == T(-3) + T(k));
  }
}

BOOST_AUTO_TEST_CASE_TEMPLATE(arithmetic_matches_scalar_loop, P, packs) {
  using T = typename P::value_type;
  std::mt19937 g(7);
  for (int rep = 0; rep < 50; ++rep) {
    const P a = random_pack<P>(g), b = random_pack<P>(g), c = random_pack<P>(g);
    const T s = T(1.75);
    P acc = a;
    acc += b;
    acc *= c;
    acc -= s;
    acc /= b;
    const P results[] = {a + b, a - b, a * b, a / b, -a, a + s, s - a, a * s, s / a, acc};
    for (int k = 0; k < P::size; ++k) {
      const T x = a[k], y = b[k];
      const T expect[] = {T(x + y), T(x - y), T(x * y), T(x / y), T(-x), T(x + s), T(s - x),
                          T(x * s), T(s / x), T((T((x + y) * c[k]) - s) / y)};
      for (int f = 0; f < 10; ++f) BOOST_TEST(same_bits(results[f][k], expect[f]));
    }
  }
}

BOOST_AUTO_TEST_CASE_TEMPLATE(comparisons_follow_ieee, P, packs) {
  using T = typename P::value_type;
  const T nan = std::numeric_limits<T>::quiet_NaN();
  const T values[] = {T(-1), T(0), T(-0.0), T(1), nan, std::numeric_limits<T>::infinity()};
  for (T x : values)
    for (T y : values) {
      const P a = x, b = y;
      for (int k = 0; k < P::size; ++k) {
        BOOST_TEST((a == b)[k] == (x == y));
        BOOST_TEST((a != b)[k] == (x != y));
        BOOST_TEST((a < b)[k] == (x < y));
        BOOST_TEST((a <= b)[k] == (x <= y));
        BOOST_TEST((a > b)[k] == (x > y));
        BOOST_TEST((a >= b)[k] == (x >= y));
      }
    }
}

BOOST_AUTO_TEST_CASE_TEMPLATE(masks, P, packs) {
  using T = typename P::value_type;
  constexpr int W = P::size;
  const P i = P::iota(T(0));
  for (int n = -1; n <= W + 1; ++n) {
    const auto m = simd::first_n<T, W>(n);
    const auto lt = i < T(n);
    for (int k = 0; k < W; ++k) {
      BOOST_TEST(m[k] == (k < n));
      BOOST_TEST(lt[k] == (k < n));
    }
    BOOST_TEST(simd::any(m) == (n > 0));
    BOOST_TEST(simd::all(m) == (n >= W));
    const auto odd = i > T(W / 2);
    for (int k = 0; k < W; ++k) {
      BOOST_TEST((m & odd)[k] == (m[k] && odd[k]));
      BOOST_TEST((m | odd)[k] == (m[k] || odd[k]));
      BOOST_TEST((m ^ odd)[k] == (m[k] != odd[k]));
      BOOST_TEST((~m)[k] == !m[k]);
    }
  }
}

BOOST_AUTO_TEST_CASE_TEMPLATE(select_min_max_abs_sqrt_fma, P, packs) {
  using T = typename P::value_type;
  std::mt19937 g(11);
  for (int rep = 0; rep < 50; ++rep) {
    const P a = random_pack<P>(g), b = random_pack<P>(g), c = random_pack<P>(g);
    const auto m = a < b;
    const P sel = simd::select(m, a, b), sel_s = simd::select(m, a, T(3)), mn = simd::min(a, b),
            mx = simd::max(a, T(0)), ab = simd::abs(a), sq = simd::sqrt(simd::abs(a)),
            f = simd::fma(a, b, c), f_mixed = simd::fma(a, T(2), c);
    for (int k = 0; k < P::size; ++k) {
      BOOST_TEST(same_bits(sel[k], m[k] ? a[k] : b[k]));
      BOOST_TEST(same_bits(sel_s[k], m[k] ? a[k] : T(3)));
      BOOST_TEST(same_bits(mn[k], simd::min(a[k], b[k])));
      BOOST_TEST(same_bits(mx[k], simd::max(a[k], T(0))));
      BOOST_TEST(same_bits(ab[k], std::fabs(a[k])));
      BOOST_TEST(same_bits(sq[k], std::sqrt(std::fabs(a[k]))));  // both correctly rounded
      BOOST_TEST(same_bits(f[k], simd::fma(a[k], b[k], c[k])));
      BOOST_TEST(same_bits(f_mixed[k], simd::fma(a[k], T(2), c[k])));
      if constexpr (simd::has_fma) BOOST_TEST(same_bits(f[k], std::fma(a[k], b[k], c[k])));
      else BOOST_TEST(same_bits(f[k], T(a[k] * b[k] + c[k])));
    }
  }
}

BOOST_AUTO_TEST_CASE_TEMPLATE(min_max_nan_and_zero_rules, P, packs) {
  using T = typename P::value_type;
  const T nan = std::numeric_limits<T>::quiet_NaN();
  // Documented rule: the second operand wins unless the first compares
  // strictly smaller (min) / larger (max).
  BOOST_TEST(simd::max(P(nan), P(T(1)))[0] == T(1));
  BOOST_TEST(std::isnan(simd::max(P(T(1)), P(nan))[0]));
  BOOST_TEST(simd::min(P(nan), P(T(1)))[0] == T(1));
  BOOST_TEST(std::isnan(simd::min(P(T(1)), P(nan))[0]));
  BOOST_TEST(std::signbit(simd::max(P(T(0)), P(T(-0.0)))[0]));
  BOOST_TEST(simd::max(nan, T(1)) == T(1));
  BOOST_TEST(std::isnan(simd::max(T(1), nan)));
  BOOST_TEST(!std::signbit(simd::abs(P(T(-0.0)))[0]));
  BOOST_TEST(std::isnan(simd::sqrt(P(T(-1)))[0]));
}

// Reference for the documented hsum order: fold the upper half onto the
// lower half, repeat.
template <class T> T fold_sum(std::vector<T> v) {
  while (v.size() > 1) {
    const std::size_t h = v.size() / 2;
    for (std::size_t i = 0; i < h; ++i) v[i] = v[i] + v[i + h];
    v.resize(h);
  }
  return v[0];
}

BOOST_AUTO_TEST_CASE_TEMPLATE(horizontal_reductions, P, packs) {
  using T = typename P::value_type;
  std::mt19937 g(3);
  for (int rep = 0; rep < 50; ++rep) {
    // Wide dynamic range so that a different order gives different bits.
    P a;
    std::uniform_real_distribution<double> e(-20, 20);
    for (int k = 0; k < P::size; ++k) a.v[k] = static_cast<T>(std::exp2(e(g)) * (k % 3 ? 1 : -1));
    std::vector<T> lanes(a.size);
    for (int k = 0; k < P::size; ++k) lanes[k] = a[k];
    BOOST_TEST(same_bits(simd::hsum(a), fold_sum(lanes)));
    BOOST_TEST(same_bits(simd::hsum(a), simd::hsum(P(a.v))));  // deterministic
    BOOST_TEST(simd::hmin(a) == *std::min_element(lanes.begin(), lanes.end()));
    BOOST_TEST(simd::hmax(a) == *std::max_element(lanes.begin(), lanes.end()));
    if constexpr (std::is_same_v<T, float>) {
      std::vector<double> wide(lanes.begin(), lanes.end());
      BOOST_TEST(same_bits(simd::hsum_wide(a), fold_sum(wide)));
      const auto w = simd::widen(a);
      for (int k = 0; k < P::size; ++k) BOOST_TEST(w[k] == double(a[k]));
    }
  }
}

BOOST_AUTO_TEST_CASE(hsum_order_is_the_documented_one) {
  // Exact math: in the fold order 1e8 meets -1e8 first (lanes 0 and 4 of 8),
  // so the small lanes survive; a left-to-right float sum would lose them.
  simd::pack<float, 8> a;
  const float v[8] = {1e8f, 1, 1, 1, -1e8f, 1, 1, 1};
  for (int k = 0; k < 8; ++k) a.v[k] = v[k];
  BOOST_TEST(simd::hsum(a) == 6.0f);
  // hsum_wide: 2^24 + 1 is not a float, but each lane is exact in double.
  simd::pack<float, 4> b;
  const float w[4] = {16777216.0f, 1.0f, 0.0f, 0.0f};
  for (int k = 0; k < 4; ++k) b.v[k] = w[k];
  BOOST_TEST(simd::hsum_wide(b) == 16777217.0);
  BOOST_TEST(simd::hsum(b) == 16777216.0f);
}

BOOST_AUTO_TEST_CASE(scalar_overloads) {
  BOOST_TEST(simd::select(true, 1.0, 2.0) == 1.0);
  BOOST_TEST(simd::select(false, 1.0f, 2.0f) == 2.0f);
  BOOST_TEST(simd::min(3.0, -1.0) == -1.0);
  BOOST_TEST(simd::max(3.0f, -1.0f) == 3.0f);
  BOOST_TEST(simd::abs(-2.0) == 2.0);
  BOOST_TEST(simd::sqrt(9.0f) == 3.0f);
  BOOST_TEST(simd::fma(2.0, 3.0, 1.0) == 7.0);
  BOOST_TEST(simd::hsum(4.0) == 4.0);
  BOOST_TEST(simd::hmin(4.0f) == 4.0f);
  BOOST_TEST(simd::hmax(4.0f) == 4.0f);
  BOOST_TEST(simd::hsum_wide(0.1f) == double(0.1f));
  BOOST_TEST(simd::any(true));
  BOOST_TEST(!simd::all(false));
}

// halves/join are lane shuffles (one register or several); check the lane
// order, NaN payloads and signed zeros included, at every test width.
BOOST_AUTO_TEST_CASE_TEMPLATE(halves_and_join_keep_lanes, P, packs) {
  using T = typename P::value_type;
  if constexpr (P::size >= 2) {
    P a;
    for (int k = 0; k < P::size; ++k) a.v[k] = k % 3 == 0 ? T(-0.0) : T(k) * T(1.5);
    a.v[P::size - 1] = -std::numeric_limits<T>::quiet_NaN();
    const auto h = simd::detail::halves(a);
    const P b = simd::detail::join(h.lo, h.hi);
    for (int k = 0; k < P::size / 2; ++k) {
      BOOST_TEST(same_bits(h.lo[k], a[k]));
      BOOST_TEST(same_bits(h.hi[k], a[k + P::size / 2]));
    }
    for (int k = 0; k < P::size; ++k) BOOST_TEST(same_bits(b[k], a[k]));
  }
}
