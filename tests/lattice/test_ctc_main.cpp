#define BOOST_TEST_MODULE lattice_ctc
#include <boost/test/unit_test.hpp>

#include "ctc_test_util.hpp"

#include <xloss/lattice/ctc_viterbi.hpp>

#include <cmath>
#include <limits>
#include <vector>

// Closed-form cases (exact mathematics, no reference implementation needed).

using ctc_test::labels;

BOOST_AUTO_TEST_CASE(uniform_three_frames_repeat_has_single_path) {
  // lp = log(1/3) everywhere, T = 3, C = 3, target [1, 1]: the only
  // alignment is 1, blank, 1, so loss = 3 ln 3 and γ is its indicator.
  std::vector<double> lp(9, std::log(1.0 / 3.0)), grad(9);
  const labels y{1, 1};
  const std::vector<std::int64_t> il{3}, tl{2};
  const double loss = xloss::ctc_loss(xloss::ctc_frames<double>{lp.data(), 3, 1, 3}, xloss::ctc_targets::concatenated(y),
                                      il, tl, {.reduction = xloss::reduction::sum}, {.grad = grad});
  BOOST_TEST(loss == 3 * std::log(3.0), boost::test_tools::tolerance(1e-14));
  const int path[3] = {1, 0, 1};
  for (int t = 0; t < 3; ++t)
    for (int c = 0; c < 3; ++c)
      CTC_CHECK_CLOSE(grad[t * 3 + c], (c == path[t] ? -1.0 : 0.0), 1e-14);
}

BOOST_AUTO_TEST_CASE(uniform_quarter_counts_alignments) {
  // p = 1/4, T = 3, C = 4, blank = 3, target [1, 2]: five alignments
  // (12b, 1b2, b12, 112, 122), so loss = −log(5/64); Viterbi = −log(1/64).
  std::vector<double> lp(12, std::log(0.25));
  const labels y{1, 2};
  const std::vector<std::int64_t> il{3}, tl{2};
  const xloss::ctc_frames<double> x{lp.data(), 3, 1, 4};
  const double loss = xloss::ctc_loss(x, xloss::ctc_targets::concatenated(y), il, tl,
                                      {.blank = 3, .reduction = xloss::reduction::sum});
  BOOST_TEST(loss == -std::log(5.0 / 64.0), boost::test_tools::tolerance(1e-14));
  std::vector<std::int64_t> path(3);
  const double best = xloss::ctc_best_alignment(x, y, 3, std::span(path));
  BOOST_TEST(best == std::log(1.0 / 64.0), boost::test_tools::tolerance(1e-14));
  BOOST_TEST((ctc_test::collapse(path, 3) == y));
}

BOOST_AUTO_TEST_CASE(impossible_alignment_is_inf_or_zero) {
  // T = 2 cannot hold [1, 1] (it needs 1, blank, 1).
  std::vector<double> lp(6, std::log(1.0 / 3.0)), grad(6);
  const labels y{1, 1};
  const std::vector<std::int64_t> il{2}, tl{2};
  const xloss::ctc_frames<double> x{lp.data(), 2, 1, 3};
  const auto tg = xloss::ctc_targets::concatenated(y);
  BOOST_TEST(xloss::ctc_loss(x, tg, il, tl, {}, {.grad = grad}) == std::numeric_limits<double>::infinity());
  for (double g : grad) BOOST_TEST(std::isnan(g));
  BOOST_TEST(xloss::ctc_loss(x, tg, il, tl, {.zero_infinity = true}, {.grad = grad}) == 0.0);
  for (double g : grad) BOOST_TEST(g == 0.0);
  std::vector<std::int64_t> path(2);
  BOOST_TEST(xloss::ctc_best_alignment(x, y, 0, std::span(path)) == -std::numeric_limits<double>::infinity());
}

BOOST_AUTO_TEST_CASE(empty_target_is_all_blank) {
  std::mt19937 rng(7);
  const auto lp = ctc_test::random_log_probs(rng, 5, 1, 4);
  const std::vector<std::int64_t> il{4}, tl{0};
  double expect = 0;
  for (int t = 0; t < 4; ++t) expect -= lp[t * 4 + 2];
  const double loss = xloss::ctc_loss(xloss::ctc_frames<double>{lp.data(), 5, 1, 4},
                                      xloss::ctc_targets::concatenated({}), il, tl,
                                      {.blank = 2, .reduction = xloss::reduction::mean});
  BOOST_TEST(loss == expect, boost::test_tools::tolerance(1e-13));  // mean divides by max(0, 1)
}

BOOST_AUTO_TEST_CASE(eigen_row_major_view_matches_pointer_view) {
  std::mt19937 rng(8);
  const long T = 7, N = 3, C = 5;
  auto lp = ctc_test::random_log_probs(rng, T, N, C);
  const Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> m(lp.data(), T * N, C);
  const labels y{1, 2, 3, 4, 1, 2};
  const std::vector<std::int64_t> il{7, 6, 5}, tl{2, 3, 1};
  const auto tg = xloss::ctc_targets::concatenated(y);
  const double a = xloss::ctc_loss(xloss::ctc_view(m, N), tg, il, tl);
  const double b = xloss::ctc_loss(xloss::ctc_frames<double>{lp.data(), T, N, C}, tg, il, tl);
  BOOST_TEST(a == b);
  BOOST_CHECK_THROW(xloss::ctc_view(m, 2), std::invalid_argument);  // 21 rows, N = 2
}
