// Gradients against central finite differences (double), for both entry
// points and every reduction.
#include <boost/test/unit_test.hpp>

#include "ctc_test_util.hpp"

#include <random>
#include <vector>

namespace {

using xloss::reduction;

struct batch {
  long T = 8, N = 3, C = 5;
  std::vector<std::int64_t> il{8, 6, 7}, tl{3, 1, 2};
  std::vector<std::int64_t> y{1, 2, 2, 4, 3, 1};  // concatenated, with a repeat
};

template <class F>
void check_fd(F loss_of, std::vector<double> x, const std::vector<double>& grad, double h, double tol) {
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double keep = x[i];
    x[i] = keep + h;
    const double up = loss_of(x);
    x[i] = keep - h;
    const double down = loss_of(x);
    x[i] = keep;
    CTC_CHECK_CLOSE(grad[i], (up - down) / (2 * h), tol);
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(log_probs_gradient_is_the_true_derivative) {
  std::mt19937 rng(21);
  const batch b;
  // Not renormalised after perturbation: the derivative is taken w.r.t. the
  // raw input, which is exactly what distinguishes it from PyTorch's.
  const auto lp = ctc_test::random_log_probs(rng, b.T, b.N, b.C);
  for (auto r : {reduction::mean, reduction::sum, reduction::none}) {
    auto loss_of = [&](const std::vector<double>& x) {
      return xloss::ctc_loss(xloss::ctc_frames<double>{x.data(), b.T, b.N, b.C},
                             xloss::ctc_targets::concatenated(b.y), b.il, b.tl, {.reduction = r});
    };
    std::vector<double> grad(lp.size());
    xloss::ctc_loss(xloss::ctc_frames<double>{lp.data(), b.T, b.N, b.C}, xloss::ctc_targets::concatenated(b.y),
                    b.il, b.tl, {.reduction = r}, {.grad = grad});
    check_fd(loss_of, lp, grad, 1e-6, 1e-8);
  }
}

BOOST_AUTO_TEST_CASE(logits_gradient_folds_the_softmax) {
  std::mt19937 rng(22);
  const batch b;
  std::normal_distribution<double> nd(0.0, 2.0);
  std::vector<double> logits(static_cast<std::size_t>(b.T * b.N * b.C));
  for (auto& v : logits) v = nd(rng) + 3.0;  // unnormalised on purpose
  for (auto r : {reduction::mean, reduction::sum}) {
    auto loss_of = [&](const std::vector<double>& x) {
      return xloss::ctc_loss_from_logits(xloss::ctc_frames<double>{x.data(), b.T, b.N, b.C},
                                         xloss::ctc_targets::concatenated(b.y), b.il, b.tl, {.reduction = r});
    };
    std::vector<double> grad(logits.size());
    xloss::ctc_loss_from_logits(xloss::ctc_frames<double>{logits.data(), b.T, b.N, b.C},
                                xloss::ctc_targets::concatenated(b.y), b.il, b.tl, {.reduction = r}, {.grad = grad});
    check_fd(loss_of, logits, grad, 1e-6, 1e-8);
  }
}

BOOST_AUTO_TEST_CASE(zero_infinity_keeps_feasible_gradients) {
  std::mt19937 rng(23);
  const long T = 4, N = 2, C = 4;
  const auto lp = ctc_test::random_log_probs(rng, T, N, C);
  const std::vector<std::int64_t> il{4, 2}, tl{2, 2}, y{1, 2, 3, 3};  // sample 1 needs 3 frames
  auto loss_of = [&](const std::vector<double>& x) {
    return xloss::ctc_loss(xloss::ctc_frames<double>{x.data(), T, N, C}, xloss::ctc_targets::concatenated(y), il, tl,
                           {.reduction = reduction::mean, .zero_infinity = true});
  };
  std::vector<double> grad(lp.size()), losses(N);
  const double loss = xloss::ctc_loss(xloss::ctc_frames<double>{lp.data(), T, N, C}, xloss::ctc_targets::concatenated(y),
                                      il, tl, {.reduction = reduction::mean, .zero_infinity = true},
                                      {.losses = losses, .grad = grad});
  BOOST_TEST(losses[1] == 0.0);
  BOOST_TEST(std::isfinite(loss));
  check_fd(loss_of, lp, grad, 1e-6, 1e-8);
}
