#define BOOST_TEST_MODULE simd_range
#include <boost/test/unit_test.hpp>

#include <cstddef>
#include <limits>
#include <vector>

#include "xloss/simd/range.hpp"

namespace simd = xloss::simd;

// find_outside against the obvious loop, for every position of one bad
// element (and none) in buffers around the pack width, contiguous and
// strided (positive, negative), at widths 1, 4 and native.
template <class T, int W> void check_width() {
  using lim = std::numeric_limits<T>;
  const T bad_values[] = {T(-0.5), T(1.5), lim::quiet_NaN(), lim::infinity(), -lim::infinity(),
                          -lim::denorm_min()};
  for (std::ptrdiff_t n : {0, 1, W - 1, W, W + 1, 3 * W + 2}) {
    for (std::ptrdiff_t stride : {1, 2, -3}) {
      const std::ptrdiff_t span = n == 0 ? 1 : (n - 1) * (stride < 0 ? -stride : stride) + 1;
      for (std::ptrdiff_t bad = -1; bad < n; ++bad) {
        std::vector<T> buf(static_cast<std::size_t>(span), T(7));  // 7: outside, never read if stride skips it
        T* first = stride > 0 ? buf.data() : buf.data() + span - 1;
        const T inside[] = {T(0), T(1), T(0.25), T(-0.0)};  // the bounds are inside
        for (std::ptrdiff_t i = 0; i < n; ++i) first[i * stride] = inside[i % 4];
        const T value = bad_values[static_cast<std::size_t>(bad + 1) % std::size(bad_values)];
        if (bad >= 0) first[bad * stride] = value;
        const std::ptrdiff_t expect = bad >= 0 ? bad : n;
        BOOST_TEST((simd::find_outside<T, W>(first, n, stride, T(0), T(1)) == expect),
                   "W=" << W << " n=" << n << " stride=" << stride << " bad=" << bad << " value=" << value);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(find_outside_matches_a_lane_loop) {
  check_width<float, 1>();
  check_width<float, 4>();
  check_width<float, simd::native_lanes<float>>();
  check_width<double, 1>();
  check_width<double, 4>();
  check_width<double, simd::native_lanes<double>>();
}

BOOST_AUTO_TEST_CASE(find_outside_default_width) {
  const std::vector<float> v(1000, 0.5f);
  BOOST_TEST(simd::find_outside(v.data(), 1000, 1, 0.0f, 1.0f) == 1000);
  std::vector<float> w = v;
  w[999] = 2.0f;
  BOOST_TEST(simd::find_outside(w.data(), 1000, 1, 0.0f, 1.0f) == 999);
}
