// The example of docs/ctc.md, "CTC inside a DSL loss", compiled and checked
// against ctc_loss per sample with the formula applied by hand. When the
// snippet changes, change it here too (and the other way round).
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <random>
#include <vector>
#include <xloss/lattice/ctc_term.hpp>
#include <xloss/xloss.hpp>

#include "ctc_test_util.hpp"

BOOST_AUTO_TEST_CASE(docs_focal_ctc_example) {
  std::mt19937 rng(51);
  const long T = 12, N = 3, C = 6;
  const auto lp64 = ctc_test::random_log_probs(rng, T, N, C);
  const std::vector<float> log_probs(lp64.begin(), lp64.end());
  const std::vector<std::int64_t> targets{1, 2, 3, 4, 4, 2, 5}, input_lengths{12, 10, 3}, target_lengths{3, 2, 2};
  Eigen::VectorXf Len(N), W(N);
  Len << 3, 2, 2;
  W << 1.0f, 0.5f, 2.0f;

  // --- docs/ctc.md snippet begins
  using namespace xloss::literals;
  constexpr auto c = xloss::ctc_term<"ctc">;  // sample n's CTC loss, −log p_n
  constexpr auto len = xloss::scalar<"len">;  // max(target length, 1)
  constexpr auto w = xloss::scalar<"w">;      // a per-sample weight
  // Focal CTC (γ = 2): (1 − p_n)² · c_n, here weighted and length-normalised.
  constexpr auto focal = w * xloss::square(1_c - xloss::exp(-c)) * c / len;

  xloss::ctc_workspace<float> ws(2);  // 2 threads, reusable buffers
  std::vector<float> grad(static_cast<std::size_t>(T * N * C));
  const float L = xloss::evaluate_ctc(
      focal, xloss::reduction::mean,
      xloss::ctc_input(xloss::ctc_frames<float>{log_probs.data(), T, N, C}, xloss::ctc_targets::concatenated(targets),
                       input_lengths, target_lengths, /*blank=*/0, /*zero_infinity=*/true),
      xloss::grad_ctc(grad),  // d L / d log_probs
      w = W, len = Len, ws);
  // --- snippet ends

  // Every sample is possible (the repeat 4, 4 has 10 frames): nothing is zeroed.
  std::vector<double> values(N), per_sample_grad(lp64.size());
  xloss::ctc_loss(xloss::ctc_frames<double>{lp64.data(), T, N, C}, xloss::ctc_targets::concatenated(targets),
                  input_lengths, target_lengths, {.reduction = xloss::reduction::none}, {.losses = values});
  xloss::ctc_loss(xloss::ctc_frames<double>{lp64.data(), T, N, C}, xloss::ctc_targets::concatenated(targets),
                  input_lengths, target_lengths, {.reduction = xloss::reduction::sum}, {.grad = per_sample_grad});
  long double want = 0;
  for (long n = 0; n < N; ++n) {
    const long double cn = values[n], q = 1 - std::exp(-cn);
    want += W[n] * q * q * cn / Len[n];
    // d/dc [(1 − e^{−c})² c] = (1 − e^{−c})² + 2 (1 − e^{−c}) e^{−c} c
    const long double a = W[n] * (q * q + 2 * q * std::exp(-cn) * cn) / Len[n] / N;
    for (long t = 0; t < T; ++t)
      for (long k = 0; k < C; ++k) {
        const std::size_t i = static_cast<std::size_t>((t * N + n) * C + k);
        CTC_CHECK_CLOSE(grad[i], double(a * per_sample_grad[i]), 2e-5);
      }
  }
  CTC_CHECK_CLOSE(L, double(want / N), 2e-5);
}
