#define BOOST_TEST_MODULE simd_memory
#include <boost/mpl/list.hpp>
#include <boost/test/unit_test.hpp>

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <stdexcept>
#include <string>

#include "xloss/simd/pack.hpp"

namespace simd = xloss::simd;

using packs = boost::mpl::list<simd::pack<float, 1>, simd::pack<float, 4>, simd::pack<float, 16>,
                               simd::pack<double, 1>, simd::pack<double, 2>, simd::pack<double, 8>>;

// count elements placed flush against an inaccessible page, either right
// after the last element (tail) or right before the first (head). Any access
// outside [data, data + count) faults, with or without ASan.
template <class T> class guarded_buffer {
 public:
  guarded_buffer(std::size_t count, bool guard_after) {
    page_ = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    const std::size_t bytes = count * sizeof(T);
    span_ = (bytes + page_ - 1) / page_ * page_;
    base_ = static_cast<char*>(
        mmap(nullptr, span_ + 2 * page_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    BOOST_REQUIRE(base_ != MAP_FAILED);
    BOOST_REQUIRE(mprotect(base_, page_, PROT_NONE) == 0);
    BOOST_REQUIRE(mprotect(base_ + page_ + span_, page_, PROT_NONE) == 0);
    char* first = guard_after ? base_ + page_ + span_ - bytes : base_ + page_;
    data_ = reinterpret_cast<T*>(first);
    for (std::size_t i = 0; i < count; ++i) data_[i] = static_cast<T>(i + 1);
  }
  ~guarded_buffer() { munmap(base_, span_ + 2 * page_); }
  guarded_buffer(const guarded_buffer&) = delete;
  guarded_buffer& operator=(const guarded_buffer&) = delete;
  T* data() { return data_; }

 private:
  std::size_t page_ = 0, span_ = 0;
  char* base_ = nullptr;
  T* data_ = nullptr;
};

BOOST_AUTO_TEST_CASE_TEMPLATE(contiguous_loads_and_stores, P, packs) {
  using T = typename P::value_type;
  constexpr int W = P::size;
  guarded_buffer<T> buf(W, true);
  const P a = simd::load<W>(buf.data());
  for (int k = 0; k < W; ++k) BOOST_TEST(a[k] == T(k + 1));
  simd::store(buf.data(), P::iota(T(10)));
  for (int k = 0; k < W; ++k) BOOST_TEST(buf.data()[k] == T(10 + k));
}

BOOST_AUTO_TEST_CASE_TEMPLATE(partial_loads_never_read_past_n, P, packs) {
  using T = typename P::value_type;
  constexpr int W = P::size;
  for (int n = 0; n <= W; ++n) {
    guarded_buffer<T> buf(static_cast<std::size_t>(n), true);  // p[n] is unmapped
    const P a = simd::load_partial<W>(buf.data(), n, T(-7));
    for (int k = 0; k < W; ++k) BOOST_TEST(a[k] == (k < n ? T(k + 1) : T(-7)));
  }
}

BOOST_AUTO_TEST_CASE_TEMPLATE(partial_stores_write_only_lanes_below_n, P, packs) {
  using T = typename P::value_type;
  constexpr int W = P::size;
  for (int n = 0; n <= W; ++n) {
    guarded_buffer<T> buf(static_cast<std::size_t>(W), true);
    simd::store_partial(buf.data(), P::iota(T(100)), n);
    for (int k = 0; k < W; ++k) BOOST_TEST(buf.data()[k] == (k < n ? T(100 + k) : T(k + 1)));
    guarded_buffer<T> exact(static_cast<std::size_t>(n), true);  // p[n] is unmapped
    simd::store_partial(exact.data(), P::iota(T(100)), n);
    for (int k = 0; k < n; ++k) BOOST_TEST(exact.data()[k] == T(100 + k));
  }
}

BOOST_AUTO_TEST_CASE_TEMPLATE(strided_access_forward_and_backward, P, packs) {
  using T = typename P::value_type;
  constexpr int W = P::size;
  const std::ptrdiff_t strides[] = {1, 3, -2, 0};
  for (std::ptrdiff_t s : strides) {
    for (int n = 0; n <= W; ++n) {
      // Exactly the elements lanes < n touch: span = (n-1)|s| + 1.
      const std::size_t span = n == 0 ? 0 : static_cast<std::size_t>((n - 1) * (s < 0 ? -s : s) + 1);
      guarded_buffer<T> buf(span, s >= 0);  // guard on the side the stride walks to
      T* origin = s >= 0 ? buf.data() : buf.data() + (span == 0 ? 0 : span - 1);
      const P a = simd::load_strided_partial<W>(origin, s, n, T(-1));
      for (int k = 0; k < W; ++k) BOOST_TEST(a[k] == (k < n ? origin[k * s] : T(-1)));
      simd::store_strided_partial(origin, s, P::iota(T(50)), n);
      for (int k = 0; k < n; ++k)
        if (s != 0 || k == n - 1) BOOST_TEST(origin[k * s] == T(50 + k));  // stride 0: last wins
    }
    guarded_buffer<T> full(static_cast<std::size_t>((W - 1) * (s < 0 ? -s : s) + 1), s >= 0);
    T* origin = s >= 0 ? full.data() : full.data() + (W - 1) * -s;
    const P a = simd::load_strided<W>(origin, s);
    for (int k = 0; k < W; ++k) BOOST_TEST(a[k] == origin[k * s]);
    simd::store_strided(origin, s, P::iota(T(20)));
    BOOST_TEST(origin[(W - 1) * s] == T(20 + W - 1));
  }
}

BOOST_AUTO_TEST_CASE(bad_lane_count_is_rejected_with_a_message) {
  float x[8] = {};
  const auto names_n = [](const std::invalid_argument& e) {
    const std::string msg = e.what();
    return msg.find("load_partial") != std::string::npos && msg.find("n = 9") != std::string::npos &&
           msg.find("[0, 8]") != std::string::npos;
  };
  BOOST_CHECK_EXCEPTION(simd::load_partial<8>(x, 9, 0.0f), std::invalid_argument, names_n);
  BOOST_CHECK_THROW(simd::load_partial<8>(x, -1, 0.0f), std::invalid_argument);
  BOOST_CHECK_THROW(simd::store_partial(x, simd::pack<float, 8>(1.0f), 9), std::invalid_argument);
  BOOST_CHECK_THROW(simd::load_strided_partial<4>(x, 2, 5, 0.0f), std::invalid_argument);
  BOOST_CHECK_THROW(simd::store_strided_partial(x, 2, simd::pack<float, 4>(1.0f), -2),
                    std::invalid_argument);
}
