// xloss against PyTorch 1.13 (tests/reference/data/ctc_loss.txt, written by
// tests/reference/gen_ctc.py). PyTorch's recorded gradient is
// g_n · (exp(lp) − γ) for t < input_length; the true derivative that
// ctc_loss returns is −g_n · γ, so the test subtracts g_n · exp(lp).
// ctc_loss_from_logits on the same (already normalised) input must reproduce
// PyTorch's numbers unchanged, since softmax(lp) = exp(lp).
#include <boost/test/unit_test.hpp>

#include "ctc_test_util.hpp"
#include "support/reference_data.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace {

using xloss::testing::ref_case;

// Independent feasibility: a target needs L + (adjacent repeats) frames.
bool feasible(const std::int64_t* y, std::int64_t L, std::int64_t frames) {
  std::int64_t need = L;
  for (std::int64_t i = 1; i < L; ++i) need += y[i] == y[i - 1];
  return need <= frames;
}

std::vector<std::int64_t> as_int(const std::vector<double>& v) { return {v.begin(), v.end()}; }

template <class Real>
void check_case(const ref_case& k) {
  const double tol = std::is_same_v<Real, double> ? 1e-11 : 2e-4;
  const auto& lp_t = k.at("log_probs");
  const bool unbatched = k.opt("unbatched", "0") == "1";
  const long T = lp_t.shape[0], N = unbatched ? 1 : lp_t.shape[1], C = lp_t.shape.back();
  const std::vector<Real> lp(lp_t.values.begin(), lp_t.values.end());
  const auto y = as_int(k.at("targets").values);
  const auto il = as_int(k.at("input_lengths").values), tl = as_int(k.at("target_lengths").values);
  const bool padded = k.opt("layout", "") == "padded" && !unbatched;
  const auto targets = padded ? xloss::ctc_targets::padded(y, k.at("targets").shape[1])
                              : xloss::ctc_targets::concatenated(y);
  const std::string red = k.opt("reduction", "");
  const auto r = red == "none" ? xloss::reduction::none : red == "sum" ? xloss::reduction::sum : xloss::reduction::mean;
  const xloss::ctc_options opt{.blank = static_cast<std::int64_t>(k.opt_num("blank", 0)),
                               .reduction = r,
                               .zero_infinity = k.opt_num("zero_infinity", 0) != 0};
  const xloss::ctc_frames<Real> x{lp.data(), T, N, C};
  std::vector<Real> losses(N), grad(lp.size()), grad_logits(lp.size());
  const Real loss = xloss::ctc_loss(x, targets, il, tl, opt, {.losses = losses, .grad = grad});
  const Real loss_logits = xloss::ctc_loss_from_logits(x, targets, il, tl, opt, {.grad = grad_logits});

  const auto& out = k.at("out").values;
  if (r == xloss::reduction::none) {
    for (long n = 0; n < N; ++n) CTC_CHECK_CLOSE(static_cast<double>(losses[n]), out[n], tol);
  } else {
    CTC_CHECK_CLOSE(static_cast<double>(loss), out[0], tol);
    CTC_CHECK_CLOSE(static_cast<double>(loss_logits), out[0], tol);
  }
  const auto& ref = k.at("grad_log_probs").values;
  std::int64_t offset = 0;
  for (long n = 0; n < N; ++n) {
    const std::int64_t* yn = y.data() + (padded ? n * k.at("targets").shape[1] : offset);
    offset += tl[n];
    const bool zeroed = opt.zero_infinity && !feasible(yn, tl[n], il[n]);
    const double g = r == xloss::reduction::mean ? 1.0 / (double(N) * double(std::max<std::int64_t>(tl[n], 1))) : 1.0;
    for (long t = 0; t < T; ++t)
      for (long c = 0; c < C; ++c) {
        const long i = (t * N + n) * C + c;
        const double exp_term = (t < il[n] && !zeroed) ? g * std::exp(lp_t.values[i]) : 0.0;
        CTC_CHECK_CLOSE(static_cast<double>(grad[i]), ref[i] - exp_term, tol);
        CTC_CHECK_CLOSE(static_cast<double>(grad_logits[i]), ref[i], tol);
      }
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(matches_pytorch_reference_data) {
  const auto cases = xloss::testing::load_reference(xloss::testing::reference_path("ctc_loss"));
  BOOST_TEST(cases.size() == 72u);
  for (const auto& k : cases) {
    BOOST_TEST_CONTEXT("case " << k.id) {
      if (k.opt("dtype", "") == "f64") check_case<double>(k);
      else check_case<float>(k);
    }
  }
}
