#pragma once
// Shared helpers for the CTC tests: random log-softmax inputs and an
// independent brute-force reference that enumerates every frame sequence.
#include <xloss/lattice/ctc.hpp>

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

// |a − b| ≤ tol · max(1, |a|, |b|): relative for large values, absolute near
// 0 (gradients have many exact zeros, where a relative test is meaningless).
#define CTC_CHECK_CLOSE(a, b, tol)                                            \
  BOOST_CHECK_MESSAGE(ctc_test::close((a), (b), (tol)),                       \
                      #a " = " << (a) << " vs " #b " = " << (b) << " (tol " << (tol) << ")")

namespace ctc_test {

inline bool close(double a, double b, double tol) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  if (std::isinf(a) || std::isinf(b)) return a == b;
  return std::abs(a - b) <= tol * std::max({1.0, std::abs(a), std::abs(b)});
}

using labels = std::vector<std::int64_t>;

// (T, N, C) log-softmax of N(0, scale²) logits.
inline std::vector<double> random_log_probs(std::mt19937& rng, long T, long N, long C, double scale = 1.0) {
  std::normal_distribution<double> nd(0.0, scale);
  std::vector<double> lp(static_cast<std::size_t>(T * N * C));
  for (long r = 0; r < T * N; ++r) {
    double* row = lp.data() + r * C;
    double mx = -std::numeric_limits<double>::infinity();
    for (long c = 0; c < C; ++c) mx = std::max(mx, row[c] = nd(rng));
    double s = 0;
    for (long c = 0; c < C; ++c) s += std::exp(row[c] - mx);
    for (long c = 0; c < C; ++c) row[c] -= mx + std::log(s);
  }
  return lp;
}

// CTC's many-to-one map: merge repeated frames, then drop blanks.
inline labels collapse(const labels& frames, std::int64_t blank) {
  labels out;
  for (std::size_t t = 0; t < frames.size(); ++t)
    if (frames[t] != blank && (t == 0 || frames[t] != frames[t - 1])) out.push_back(frames[t]);
  return out;
}

// Everything brute force knows about one (T, C) sample and a target.
struct brute_result {
  double log_z = -std::numeric_limits<double>::infinity();  // log Σ_{π→y} e^score
  std::vector<double> occupancy;                             // γ[t*C + c]
  double best = -std::numeric_limits<double>::infinity();    // max_{π→y} score
  labels best_path;
  double best_wrong = -std::numeric_limits<double>::infinity();  // max_{π↛y} score
  labels best_wrong_path;
  double best_any = -std::numeric_limits<double>::infinity();
};

inline brute_result brute_force(const std::vector<double>& lp, long T, long C, const labels& y, std::int64_t blank) {
  brute_result r;
  r.occupancy.assign(static_cast<std::size_t>(T * C), 0.0);
  std::vector<double> prob_sum(static_cast<std::size_t>(T * C), 0.0);
  double z = 0;
  labels frames(static_cast<std::size_t>(T), 0);
  long count = 1;
  for (long t = 0; t < T; ++t) count *= C;
  for (long code = 0; code < count; ++code) {
    long k = code;
    double score = 0;
    for (long t = 0; t < T; ++t) {
      frames[t] = k % C;
      k /= C;
      score += lp[t * C + frames[t]];
    }
    r.best_any = std::max(r.best_any, score);
    if (collapse(frames, blank) == y) {
      const double p = std::exp(score);
      z += p;
      for (long t = 0; t < T; ++t) prob_sum[t * C + frames[t]] += p;
      if (score > r.best) r.best = score, r.best_path = frames;
    } else if (score > r.best_wrong) {
      r.best_wrong = score, r.best_wrong_path = frames;
    }
  }
  r.log_z = std::log(z);
  if (z > 0)
    for (std::size_t i = 0; i < prob_sum.size(); ++i) r.occupancy[i] = prob_sum[i] / z;
  return r;
}

}  // namespace ctc_test
