// The lattice DP against brute-force enumeration of every frame sequence
// (T ≤ 6, C ≤ 4), for both semirings and the structured losses.
#include <boost/test/unit_test.hpp>

#include "ctc_test_util.hpp"

#include <xloss/lattice/ctc_viterbi.hpp>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

using ctc_test::labels;
namespace tt = boost::test_tools;

namespace {

struct tiny_case {
  long T, C;
  std::int64_t blank;
  labels y;
  std::vector<double> lp;
};

tiny_case random_case(std::mt19937& rng) {
  tiny_case k;
  k.T = std::uniform_int_distribution<long>(1, 6)(rng);
  k.C = std::uniform_int_distribution<long>(2, 4)(rng);
  k.blank = std::uniform_int_distribution<std::int64_t>(0, k.C - 1)(rng);
  const long L = std::uniform_int_distribution<long>(0, 3)(rng);
  std::uniform_int_distribution<std::int64_t> label(0, k.C - 2);
  for (long i = 0; i < L; ++i) {
    const std::int64_t v = label(rng);
    k.y.push_back(v >= k.blank ? v + 1 : v);  // skip the blank
  }
  k.lp = ctc_test::random_log_probs(rng, k.T, 1, k.C, 1.5);
  return k;
}

}  // namespace

BOOST_AUTO_TEST_CASE(log_semiring_loss_and_occupancy_match_enumeration) {
  std::mt19937 rng(11);
  int feasible = 0, infeasible = 0;
  for (int rep = 0; rep < 300; ++rep) {
    const auto k = random_case(rng);
    const auto ref = ctc_test::brute_force(k.lp, k.T, k.C, k.y, k.blank);
    const std::vector<std::int64_t> il{k.T}, tl{static_cast<std::int64_t>(k.y.size())};
    std::vector<double> grad(k.lp.size()), grad_logits(k.lp.size());
    const xloss::ctc_frames<double> x{k.lp.data(), k.T, 1, k.C};
    const auto tg = xloss::ctc_targets::concatenated(k.y);
    const xloss::ctc_options opt{.blank = k.blank, .reduction = xloss::reduction::sum};
    const double loss = xloss::ctc_loss(x, tg, il, tl, opt, {.grad = grad});
    const double loss_logits = xloss::ctc_loss_from_logits(x, tg, il, tl, opt, {.grad = grad_logits});
    if (ref.log_z == -std::numeric_limits<double>::infinity()) {
      ++infeasible;
      BOOST_TEST(loss == std::numeric_limits<double>::infinity());
      continue;
    }
    ++feasible;
    BOOST_TEST(loss == -ref.log_z, tt::tolerance(1e-12));
    BOOST_TEST(loss_logits == -ref.log_z, tt::tolerance(1e-12));
    for (std::size_t i = 0; i < grad.size(); ++i) {
      CTC_CHECK_CLOSE(grad[i], -ref.occupancy[i], 1e-11);
      // logits = lp (already normalised), so softmax(logits) = exp(lp)
      CTC_CHECK_CLOSE(grad_logits[i], std::exp(k.lp[i]) - ref.occupancy[i], 1e-11);
    }
    // float: same DP in single precision
    std::vector<float> lpf(k.lp.begin(), k.lp.end());
    const float lossf = xloss::ctc_loss(xloss::ctc_frames<float>{lpf.data(), k.T, 1, k.C}, tg, il, tl, opt);
    CTC_CHECK_CLOSE(static_cast<double>(lossf), -ref.log_z, 1e-5);
  }
  BOOST_TEST(feasible > 100);  // the random cases cover both outcomes
  BOOST_TEST(infeasible > 10);
}

BOOST_AUTO_TEST_CASE(max_semiring_best_path_and_structured_losses_match_enumeration) {
  std::mt19937 rng(12);
  for (int rep = 0; rep < 300; ++rep) {
    const auto k = random_case(rng);
    const auto ref = ctc_test::brute_force(k.lp, k.T, k.C, k.y, k.blank);
    const xloss::ctc_frames<double> x{k.lp.data(), k.T, 1, k.C};
    std::vector<std::int64_t> path(static_cast<std::size_t>(k.T));
    const double best = xloss::ctc_best_alignment(x, k.y, k.blank, std::span(path));
    std::vector<double> gp(k.lp.size()), gh(k.lp.size());
    const double perceptron = xloss::ctc_perceptron_loss(x, k.y, k.blank, std::span(gp));
    const double margin = 0.5;
    const double hinge = xloss::ctc_hinge_loss(x, k.y, k.blank, margin, std::span(gh));
    if (ref.best == -std::numeric_limits<double>::infinity()) {
      BOOST_TEST(best == -std::numeric_limits<double>::infinity());
      BOOST_TEST(perceptron == std::numeric_limits<double>::infinity());
      BOOST_TEST(hinge == std::numeric_limits<double>::infinity());
      continue;
    }
    BOOST_TEST(best == ref.best, tt::tolerance(1e-12));
    BOOST_TEST((path == ref.best_path));
    // perceptron: best overall − best correct, gradient onehot(free) − onehot(target)
    CTC_CHECK_CLOSE(perceptron, ref.best_any - ref.best, 1e-12);
    BOOST_TEST(perceptron >= 0.0);
    std::vector<double> expect_gp(k.lp.size(), 0.0);
    for (long t = 0; t < k.T; ++t) {
      long arg = 0;
      for (long c = 1; c < k.C; ++c)
        if (k.lp[t * k.C + c] > k.lp[t * k.C + arg]) arg = c;
      expect_gp[t * k.C + arg] += 1;
      expect_gp[t * k.C + ref.best_path[t]] -= 1;
    }
    BOOST_TEST(gp == expect_gp, tt::per_element());
    // hinge against the most offending incorrect sequence
    const double bracket = margin - ref.best + ref.best_wrong;
    CTC_CHECK_CLOSE(hinge, std::max(0.0, bracket), 1e-12);
    std::vector<double> expect_gh(k.lp.size(), 0.0);
    if (bracket > 0)
      for (long t = 0; t < k.T; ++t) {
        expect_gh[t * k.C + ref.best_wrong_path[t]] += 1;
        expect_gh[t * k.C + ref.best_path[t]] -= 1;
      }
    BOOST_TEST(gh == expect_gh, tt::per_element());
  }
}

BOOST_AUTO_TEST_CASE(batched_lengths_match_per_sample_enumeration) {
  // Frames past a sample's input length are NaN: they must never be read.
  std::mt19937 rng(13);
  const long T = 6, N = 4, C = 4;
  auto lp = ctc_test::random_log_probs(rng, T, N, C);
  const std::vector<std::int64_t> il{6, 3, 5, 1}, tl{2, 1, 3, 1};
  const std::vector<std::int64_t> padded{1, 2, 0, 3, 0, 0, 2, 2, 1, 3, 0, 0};  // width 3, blank 0; 0 = unread padding
  for (long n = 0; n < N; ++n)
    for (long t = il[n]; t < T; ++t)
      for (long c = 0; c < C; ++c) lp[(t * N + n) * C + c] = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> losses(N), grad(lp.size());
  xloss::ctc_loss(xloss::ctc_frames<double>{lp.data(), T, N, C}, xloss::ctc_targets::padded(padded, 3), il, tl,
                  {.reduction = xloss::reduction::none}, {.losses = losses, .grad = grad});
  for (long n = 0; n < N; ++n) {
    std::vector<double> one(static_cast<std::size_t>(il[n] * C));
    for (long t = 0; t < il[n]; ++t)
      for (long c = 0; c < C; ++c) one[t * C + c] = lp[(t * N + n) * C + c];
    const labels y(padded.begin() + 3 * n, padded.begin() + 3 * n + tl[n]);
    const auto ref = ctc_test::brute_force(one, il[n], C, y, 0);
    BOOST_TEST(losses[n] == -ref.log_z, tt::tolerance(1e-12));
    for (long t = 0; t < T; ++t)
      for (long c = 0; c < C; ++c) {
        const double expect = t < il[n] ? -ref.occupancy[t * C + c] : 0.0;
        CTC_CHECK_CLOSE(grad[(t * N + n) * C + c], expect, 1e-11);
      }
  }
}
