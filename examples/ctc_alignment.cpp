// Training per-frame logits with CTC: a free parameter table of T × C logits
// per sequence, plain SGD on a DSL loss whose CTC term takes logits (softmax
// folded in), and the decodings printed as they converge to the targets:
//   greedy  -- best path overall (per-frame argmax), collapsed;
//   aligned -- Viterbi forced alignment of the target (frame labels, '-' = blank).
// Exits 1 if the greedy decoding has not reached every target.
#include <xloss/lattice/ctc_term.hpp>
#include <xloss/lattice/ctc_viterbi.hpp>
#include <xloss/xloss.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

namespace {

constexpr long T = 16, N = 3, C = 6;  // frames, sequences, classes (0 = blank)
const char* const alphabet = "-abcde";

// Collapsed per-frame argmax over the sequence's own frames.
std::string greedy_decode(const std::vector<double>& lp, long n, long frames) {
  std::string out;
  long prev = 0;
  for (long t = 0; t < frames; ++t) {
    const double* row = lp.data() + (t * N + n) * C;
    long arg = 0;
    for (long c = 1; c < C; ++c)
      if (row[c] > row[arg]) arg = c;
    if (arg != 0 && arg != prev) out += alphabet[arg];
    prev = arg;
  }
  return out;
}

std::vector<double> log_softmax(const std::vector<double>& logits) {
  std::vector<double> lp(logits);
  for (long r = 0; r < T * N; ++r) {
    double* row = lp.data() + r * C;
    double mx = row[0], s = 0;
    for (long c = 1; c < C; ++c) mx = std::max(mx, row[c]);
    for (long c = 0; c < C; ++c) s += std::exp(row[c] - mx);
    for (long c = 0; c < C; ++c) row[c] -= mx + std::log(s);
  }
  return lp;
}

}  // namespace

int main() {
  const std::vector<std::int64_t> targets{1, 2, 3, 4, /**/ 5, 5, 2, /**/ 3, 1, 3, 1, 2};
  const std::vector<std::int64_t> input_lengths{16, 12, 14}, target_lengths{4, 3, 5};
  std::vector<std::string> want;
  for (long n = 0, o = 0; n < N; o += target_lengths[n++]) {
    want.emplace_back();
    for (long i = 0; i < target_lengths[n]; ++i) want.back() += alphabet[targets[o + i]];
  }

  std::mt19937 rng(1);
  std::normal_distribution<double> init(0.0, 1.0);
  std::vector<double> logits(T * N * C), grad(logits.size());
  for (auto& v : logits) v = init(rng);
  // PyTorch's 'mean' written as a DSL loss: each sequence's CTC loss over
  // its target length, averaged over the batch.
  constexpr auto ctc = xloss::ctc_term<"ctc">;
  constexpr auto len = xloss::scalar<"len">;
  Eigen::VectorXd lengths(N);
  for (long n = 0; n < N; ++n) lengths[n] = static_cast<double>(target_lengths[n]);
  xloss::ctc_workspace<double> ws(1);
  const double lr = 2.0;   // the loss divides by N · target length

  bool done = false;
  for (int step = 0; step <= 300 && !done; ++step) {
    const double loss = xloss::evaluate_ctc(
        ctc / len, xloss::reduction::mean,
        xloss::ctc_input_from_logits(xloss::ctc_frames<double>{logits.data(), T, N, C},
                                     xloss::ctc_targets::concatenated(targets), input_lengths, target_lengths),
        xloss::grad_ctc(grad), len = lengths, ws);
    const auto lp = log_softmax(logits);
    done = true;
    for (long n = 0; n < N; ++n) done = done && greedy_decode(lp, n, input_lengths[n]) == want[n];
    if (step % 10 == 0 || done) {
      std::printf("step %3d  loss %.5f\n", step, loss);
      for (long n = 0, o = 0; n < N; o += target_lengths[n++]) {
        // Viterbi forced alignment of sequence n (its frames, packed as (T_n, C)).
        std::vector<double> one(static_cast<std::size_t>(input_lengths[n] * C));
        for (long t = 0; t < input_lengths[n]; ++t)
          for (long c = 0; c < C; ++c) one[t * C + c] = lp[(t * N + n) * C + c];
        std::vector<std::int64_t> path(static_cast<std::size_t>(input_lengths[n]));
        xloss::ctc_best_alignment(xloss::ctc_frames<double>{one.data(), input_lengths[n], 1, C},
                                  std::span(targets).subspan(o, target_lengths[n]), 0, std::span(path));
        std::string aligned;
        for (auto c : path) aligned += alphabet[c];
        std::printf("  target %-6s greedy %-8s aligned %s\n", want[n].c_str(), greedy_decode(lp, n, input_lengths[n]).c_str(),
                    aligned.c_str());
      }
    }
    for (std::size_t i = 0; i < logits.size(); ++i) logits[i] -= lr * grad[i];
  }
  std::printf(done ? "converged: greedy decoding equals every target\n" : "did not converge\n");
  return done ? 0 : 1;
}
