#define BOOST_TEST_MODULE simd_math
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <limits>
#include <random>
#include <vector>

#include "xloss/simd/math.hpp"
#include "xloss/simd/pack.hpp"

namespace simd = xloss::simd;

// Accuracy is measured against the std:: function evaluated one precision
// up (float vs std::f(double), double vs std::f(long double)), so the ulp
// error is known to a fraction of an ulp. Debug/sanitizer builds run a
// sparser grid (same code, 16x fewer points): they check memory, not accuracy.
#ifdef NDEBUG
constexpr int float_step_log2 = 10;  // 4.2M float bit patterns
constexpr int double_count = 1 << 20;
#else
constexpr int float_step_log2 = 14;
constexpr int double_count = 1 << 16;
#endif
constexpr double max_ulp = 2.0;

template <class T> using wider = std::conditional_t<std::is_same_v<T, float>, double, long double>;

// ulp of the exact value r in T: 2^(exponent(r) - digits + 1), at least the
// smallest subnormal.
template <class T> long double ulp_of(long double r) {
  int e = 0;
  std::frexp(r, &e);
  const long double u = std::ldexp(1.0L, e - std::numeric_limits<T>::digits);
  return std::max(u, static_cast<long double>(std::numeric_limits<T>::denorm_min()));
}

// Error of `got` in ulps of the reference; infinite when the classes differ
// (NaN vs number, inf vs finite, wrong sign of an exact zero).
template <class T> double ulp_error(T got, long double ref) {
  const T ref_t = static_cast<T>(ref);
  if (std::isnan(ref)) return std::isnan(got) ? 0 : INFINITY;
  if (std::isnan(got)) return INFINITY;
  if (std::isinf(ref_t) || std::isinf(got)) return got == ref_t ? 0 : INFINITY;
  if (ref == 0) return got == 0 && std::signbit(got) == std::signbit(ref) ? 0 : INFINITY;
  return static_cast<double>(std::fabs(static_cast<long double>(got) - ref) / ulp_of<T>(ref));
}

struct report {
  double worst = 0;
  long double worst_x = 0;
  long bit_mismatches = 0;
  long count = 0;
};

// Evaluates the pack version on native-width packs and the scalar version
// on each lane: they must agree bit for bit, and be within max_ulp.
template <class T, class F, class R> report measure(const std::vector<T>& xs, F f, R ref) {
  constexpr int W = simd::native_lanes<T>;
  report rep;
  for (std::size_t i = 0; i + W <= xs.size(); i += W) {
    const auto y = f(simd::load<W>(&xs[i]));
    for (int k = 0; k < W; ++k) {
      const T x = xs[i + k], yv = y[k], ys = f(x);
      if (std::memcmp(&yv, &ys, sizeof yv) != 0) ++rep.bit_mismatches;
      const double e = ulp_error(yv, ref(static_cast<wider<T>>(x)));
      if (!(e <= rep.worst)) rep.worst = e, rep.worst_x = x;
      ++rep.count;
    }
  }
  return rep;
}

// Every 2^k-th float bit pattern over all 2^32 (both signs, subnormals, inf,
// NaN), each with a pseudo-random offset inside its step so that low
// mantissa bits vary too; plus the special values.
inline std::vector<float> float_grid() {
  std::vector<float> xs;
  std::mt19937 g(1);
  const std::uint64_t step = std::uint64_t(1) << float_step_log2;
  for (std::uint64_t b = 0; b < (std::uint64_t(1) << 32); b += step) {
    const auto bits = static_cast<std::uint32_t>(b + g() % step);
    float x;
    std::memcpy(&x, &bits, sizeof x);
    xs.push_back(x);
  }
  return xs;
}

// ~1M doubles: random bit patterns (every exponent, both signs), uniform over
// the function's interesting domain, dense neighbourhoods of its thresholds
// (overflow, underflow, branch points) and special values.
inline std::vector<double> double_grid(double lo, double hi, std::vector<double> thresholds) {
  std::vector<double> xs;
  std::mt19937_64 g(2);
  for (int i = 0; i < double_count / 4; ++i) {
    const std::uint64_t bits = g();
    double x;
    std::memcpy(&x, &bits, sizeof x);
    xs.push_back(x);
  }
  std::uniform_real_distribution<double> u(lo, hi);
  for (int i = 0; i < double_count / 2; ++i) xs.push_back(u(g));
  for (int i = 0; i < 1022 + 52; i += 3) {  // subnormal and tiny inputs
    xs.push_back(std::ldexp(1.0 + double(i % 7) / 7, -i - 1));
    xs.push_back(-xs.back());
  }
  thresholds.push_back(0);
  const int per = double_count / 4 / static_cast<int>(thresholds.size());
  for (double t : thresholds)
    for (int i = -per / 2; i < per / 2; ++i)
      xs.push_back(t == 0 ? i * 1e-300 : t * (1 + i * 0x1p-44));
  return xs;
}

template <class T> std::vector<T> specials() {
  using lim = std::numeric_limits<T>;
  return {T(0), T(-0.0), lim::infinity(), -lim::infinity(), lim::quiet_NaN(), -lim::quiet_NaN(),
          lim::denorm_min(), -lim::denorm_min(), lim::min(), lim::max(), -lim::max(), T(1), T(-1)};
}

template <class F, class R>
void check_function(const char* name, F f, R ref, double lo, double hi,
                    std::vector<double> thresholds) {
  std::vector<float> xf = float_grid();
  for (float s : specials<float>()) xf.push_back(s);
  while (xf.size() % simd::native_lanes<float>) xf.push_back(0.5f);
  std::vector<double> xd = double_grid(lo, hi, std::move(thresholds));
  for (double s : specials<double>()) xd.push_back(s);
  while (xd.size() % simd::native_lanes<double>) xd.push_back(0.5);

  const report rf = measure(xf, f, [&](double x) { return ref(x); });
  const report rd = measure(xd, f, [&](long double x) { return ref(x); });
  std::printf("%-6s float : max %.3f ulp at %.9g over %ld inputs\n", name, rf.worst,
              double(rf.worst_x), rf.count);
  std::printf("%-6s double: max %.3f ulp at %.17g over %ld inputs\n", name, rd.worst,
              double(rd.worst_x), rd.count);
  BOOST_TEST(rf.worst <= max_ulp, name << " float: " << rf.worst << " ulp at " << double(rf.worst_x));
  BOOST_TEST(rd.worst <= max_ulp, name << " double: " << rd.worst << " ulp at " << double(rd.worst_x));
  BOOST_TEST(rf.bit_mismatches == 0, name << " float: scalar and pack differ");
  BOOST_TEST(rd.bit_mismatches == 0, name << " double: scalar and pack differ");
}

// Overflow / underflow / branch thresholds of each function (float, double).
BOOST_AUTO_TEST_CASE(exp_accuracy) {
  check_function("exp", [](auto x) { return simd::exp(x); }, [](auto x) { return std::exp(x); },
                 -750, 720, {88.72283905206835, -87.33654475055310, -103.27892990343185,
                             709.782712893384, -708.3964185322641, -744.4400719213812});
}
BOOST_AUTO_TEST_CASE(expm1_accuracy) {
  check_function("expm1", [](auto x) { return simd::expm1(x); },
                 [](auto x) { return std::expm1(x); }, -50, 720,
                 {88.72283905206835, 709.782712893384, 0.34657359027997264, -0.34657359027997264,
                  1.0397207708399179, 17.0, 37.0});
}
BOOST_AUTO_TEST_CASE(log_accuracy) {
  check_function("log", [](auto x) { return simd::log(x); }, [](auto x) { return std::log(x); },
                 0, 100, {1.0, 0.7071067811865476, 1.4142135623730951, 0x1p-1022, 0x1p-126});
}
BOOST_AUTO_TEST_CASE(log1p_accuracy) {
  check_function("log1p", [](auto x) { return simd::log1p(x); },
                 [](auto x) { return std::log1p(x); }, -1, 100,
                 {-1.0, -0.2928932188134524, 0.4142135623730951, 1.0, 2.0, 0x1p53, 0x1p126, 0x1p1022});
}
BOOST_AUTO_TEST_CASE(tanh_accuracy) {
  check_function("tanh", [](auto x) { return simd::tanh(x); }, [](auto x) { return std::tanh(x); },
                 -25, 25, {0.55, -0.55, 9.01, 19.06});
}

// Special values from exact mathematics, scalar and pack.
template <class T> void check_specials() {
  using lim = std::numeric_limits<T>;
  const T inf = lim::infinity(), nan = lim::quiet_NaN();
  struct row { T (*f)(T); T x, expect; };
  const row rows[] = {
      {simd::exp<T>, T(0), T(1)},          {simd::exp<T>, T(-0.0), T(1)},
      {simd::exp<T>, inf, inf},            {simd::exp<T>, -inf, T(0)},
      {simd::exp<T>, T(1000), inf},        {simd::exp<T>, T(-1000), T(0)},
      {simd::log<T>, T(0), -inf},          {simd::log<T>, T(-0.0), -inf},
      {simd::log<T>, T(1), T(0)},          {simd::log<T>, inf, inf},
      {simd::log<T>, T(-1), nan},          {simd::log<T>, -inf, nan},
      {simd::log1p<T>, T(-1), -inf},       {simd::log1p<T>, T(-2), nan},
      {simd::log1p<T>, T(0), T(0)},        {simd::log1p<T>, T(-0.0), T(-0.0)},
      {simd::log1p<T>, inf, inf},          {simd::expm1<T>, T(0), T(0)},
      {simd::expm1<T>, T(-0.0), T(-0.0)},  {simd::expm1<T>, inf, inf},
      {simd::expm1<T>, -inf, T(-1)},       {simd::expm1<T>, T(1000), inf},
      {simd::tanh<T>, T(0), T(0)},         {simd::tanh<T>, T(-0.0), T(-0.0)},
      {simd::tanh<T>, inf, T(1)},          {simd::tanh<T>, -inf, T(-1)},
      {simd::tanh<T>, T(100), T(1)},       {simd::tanh<T>, T(-100), T(-1)},
      {simd::exp<T>, nan, nan},            {simd::log<T>, nan, nan},
      {simd::log1p<T>, nan, nan},          {simd::expm1<T>, nan, nan},
      {simd::tanh<T>, nan, nan},
  };
  for (const row& r : rows) {
    const T got = r.f(r.x);
    if (std::isnan(r.expect)) {
      BOOST_TEST(std::isnan(got), "x = " << r.x << " gave " << got);
    } else {
      BOOST_TEST(got == r.expect, "x = " << r.x << " gave " << got);
      BOOST_TEST(std::signbit(got) == std::signbit(r.expect), "sign, x = " << r.x);
    }
  }
  // Same through a pack: lane results equal the scalar ones.
  using P = simd::pack<T, simd::native_lanes<T>>;
  const P p(T(-0.0));
  BOOST_TEST(std::signbit(simd::tanh(p)[0]));
  BOOST_TEST(std::signbit(simd::expm1(p)[0]));
  BOOST_TEST(std::signbit(simd::log1p(p)[0]));
  BOOST_TEST(simd::log(P(T(0)))[0] == -inf);
}
BOOST_AUTO_TEST_CASE(special_values_float) { check_specials<float>(); }
BOOST_AUTO_TEST_CASE(special_values_double) { check_specials<double>(); }

// Other widths of the same functions (one lane, 32 bytes, 128 bytes) agree
// with the scalar version lane by lane.
template <class P> void check_width() {
  using T = typename P::value_type;
  std::mt19937 g(5);
  std::uniform_real_distribution<double> d(-30, 30);
  for (int rep = 0; rep < 200; ++rep) {
    P x;
    for (int k = 0; k < P::size; ++k) x.v[k] = static_cast<T>(d(g));
    const P e = simd::exp(x), m = simd::expm1(x), l = simd::log(simd::abs(x)),
            p = simd::log1p(simd::abs(x)), t = simd::tanh(x);
    for (int k = 0; k < P::size; ++k) {
      BOOST_TEST(e[k] == simd::exp(x[k]));
      BOOST_TEST(m[k] == simd::expm1(x[k]));
      BOOST_TEST(l[k] == simd::log(std::fabs(x[k])));
      BOOST_TEST(p[k] == simd::log1p(std::fabs(x[k])));
      BOOST_TEST(t[k] == simd::tanh(x[k]));
    }
  }
}
BOOST_AUTO_TEST_CASE(other_widths_agree) {
  check_width<simd::pack<float, 1>>();
  check_width<simd::pack<float, 8>>();
  check_width<simd::pack<double, 4>>();
  check_width<simd::pack<double, 16>>();
}

// A pack whose lanes are all in the common range takes the inline fast path;
// one lane outside (NaN, +-inf, overflow, zero, subnormal) sends the whole
// pack to the out-of-line slow path. The other lanes must not notice: same
// bits as when the pack was all in range.
template <class T, class F>
void check_paths_agree(const char* name, F f, double lo, double hi, std::vector<T> triggers) {
  using P = simd::pack<T, simd::native_lanes<T>>;
  constexpr int W = P::size;
  std::mt19937 g(11);
  std::uniform_real_distribution<double> d(lo, hi);
  long differ = 0;
  for (int rep = 0; rep < 2000; ++rep) {
    P x;
    for (int k = 0; k < W; ++k) x.v[k] = static_cast<T>(d(g));
    const P fast = f(x);
    const T trigger = triggers[static_cast<std::size_t>(rep) % triggers.size()];
    const int at = rep % W;
    P y = x;
    y.v[at] = trigger;
    const P slow = f(y);
    for (int k = 0; k < W; ++k) {
      const T a = fast[k], b = slow[k];
      if (k != at && std::memcmp(&a, &b, sizeof(T)) != 0) ++differ;
    }
    const T alone = f(trigger), in_pack = slow[at];
    BOOST_TEST(std::memcmp(&in_pack, &alone, sizeof(T)) == 0,
               name << "(" << trigger << "): pack lane differs from the scalar result");
  }
  BOOST_TEST(differ == 0, name << ": " << differ << " in-range lanes changed on the slow path");
}

template <class T> void check_all_paths() {
  using lim = std::numeric_limits<T>;
  const T nan = lim::quiet_NaN(), inf = lim::infinity(), sub = lim::denorm_min();
  check_paths_agree<T>("exp", [](auto v) { return simd::exp(v); }, -80, 80,
                       {nan, inf, -inf, T(100), T(-100), T(1000)});
  check_paths_agree<T>("expm1", [](auto v) { return simd::expm1(v); }, -80, 15,
                       {nan, inf, -inf, T(20), T(-100), T(1000)});
  check_paths_agree<T>("log", [](auto v) { return simd::log(v); }, 1e-3, 1e3,
                       {nan, inf, T(0), T(-1), sub, lim::min() / 2});
  check_paths_agree<T>("log1p", [](auto v) { return simd::log1p(v); }, -0.99, 1e6,
                       {nan, inf, T(-1), T(-2), -inf, T(-1.5), lim::max()});
}
BOOST_AUTO_TEST_CASE(fast_and_slow_paths_agree_float) { check_all_paths<float>(); }
BOOST_AUTO_TEST_CASE(fast_and_slow_paths_agree_double) { check_all_paths<double>(); }

// The fast-path test: every lane in [lo, hi], NaN never; against a lane loop,
// on one-lane, native and twice-native packs (AVX-512 has its own k-mask code).
template <class P> void check_all_in() {
  using T = typename P::value_type;
  const T lo = T(-2), hi = T(3);
  const T values[] = {lo, hi, std::nextafter(lo, T(-10)), std::nextafter(hi, T(10)), T(0), T(-0.0),
                      std::numeric_limits<T>::quiet_NaN(), std::numeric_limits<T>::infinity()};
  std::mt19937 g(3);
  for (int rep = 0; rep < 500; ++rep) {
    P x(T(1));
    // Lanes at the bounds, about one per pack from the whole list (which
    // also holds values outside), so both outcomes occur.
    for (int k = 0; k < P::size; ++k)
      if (g() % (4 * P::size) < 4) x.v[k] = values[g() % std::size(values)];
      else x.v[k] = values[g() % 2];
    bool expect = true;
    for (int k = 0; k < P::size; ++k) expect = expect && x[k] >= lo && x[k] <= hi;
    BOOST_TEST(simd::detail::all_in(x, lo, hi) == expect);
  }
}
BOOST_AUTO_TEST_CASE(range_test_all_in) {
  check_all_in<simd::pack<float, 1>>();
  check_all_in<simd::pack<float, simd::native_lanes<float>>>();
  check_all_in<simd::pack<float, 2 * simd::native_lanes<float>>>();
  check_all_in<simd::pack<double, 1>>();
  check_all_in<simd::pack<double, simd::native_lanes<double>>>();
  check_all_in<simd::pack<double, 2 * simd::native_lanes<double>>>();
}
