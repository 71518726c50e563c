// Thread-count independence: 1 and 2 threads give bit-identical results, and
// a reused (warm) workspace gives the same bits as a fresh one.
#include <boost/test/unit_test.hpp>

#include "ctc_test_util.hpp"

#include <cstring>
#include <random>
#include <vector>

namespace {

template <class Real>
bool same_bits(const std::vector<Real>& a, const std::vector<Real>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(Real)) == 0;
}

template <class Real>
void check_determinism(bool logits) {
  std::mt19937 rng(31);
  const long T = 40, N = 9, C = 7;
  const auto lp64 = ctc_test::random_log_probs(rng, T, N, C);
  const std::vector<Real> lp(lp64.begin(), lp64.end());
  std::vector<std::int64_t> il, tl, y;
  for (long n = 0; n < N; ++n) {
    const bool impossible = n == 3;  // 12 labels cannot fit in 10 frames
    il.push_back(impossible ? 10 : std::uniform_int_distribution<std::int64_t>(10, T)(rng));
    tl.push_back(impossible ? 12 : std::uniform_int_distribution<std::int64_t>(0, 8)(rng));
    for (std::int64_t i = 0; i < tl.back(); ++i) y.push_back(std::uniform_int_distribution<std::int64_t>(1, C - 1)(rng));
  }
  xloss::ctc_workspace<Real> one(1), two(2);
  auto run = [&](xloss::ctc_workspace<Real>* ws, std::vector<Real>& losses, std::vector<Real>& grad) {
    const xloss::ctc_frames<Real> x{lp.data(), T, N, C};
    const auto tg = xloss::ctc_targets::concatenated(y);
    const xloss::ctc_options opt{.reduction = xloss::reduction::mean, .zero_infinity = true};
    return logits ? xloss::ctc_loss_from_logits(x, tg, il, tl, opt, {.losses = losses, .grad = grad}, ws)
                  : xloss::ctc_loss(x, tg, il, tl, opt, {.losses = losses, .grad = grad}, ws);
  };
  std::vector<Real> l1(N), g1(lp.size()), l2(N), g2(lp.size()), l0(N), g0(lp.size());
  const Real r1 = run(&one, l1, g1);
  for (int rep = 0; rep < 5; ++rep) {  // dynamic work claiming varies between runs
    const Real r2 = run(&two, l2, g2);
    BOOST_TEST(std::memcmp(&r1, &r2, sizeof(Real)) == 0);
    BOOST_TEST(same_bits(l1, l2));
    BOOST_TEST(same_bits(g1, g2));
  }
  const Real r0 = run(nullptr, l0, g0);  // fresh temporary workspace
  BOOST_TEST(std::memcmp(&r1, &r0, sizeof(Real)) == 0);
  BOOST_TEST(same_bits(g1, g0));
  BOOST_TEST(l1[3] == Real(0));  // zero_infinity applied to the impossible sample
}

}  // namespace

BOOST_AUTO_TEST_CASE(one_and_two_threads_are_bit_identical) {
  check_determinism<double>(false);
  check_determinism<double>(true);
  check_determinism<float>(false);
  check_determinism<float>(true);
}

BOOST_AUTO_TEST_CASE(workspace_rejects_zero_threads) {
  BOOST_CHECK_THROW(xloss::ctc_workspace<double>(0), std::invalid_argument);
}
