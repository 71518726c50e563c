#pragma once
// Tropical (max-plus) uses of the CTC lattice, one sample at a time:
//   ctc_best_alignment  -- Viterbi forced alignment of a target;
//   ctc_perceptron_loss -- best path overall minus best path of the target;
//   ctc_hinge_loss      -- margin hinge against the most offending incorrect
//                          label sequence (the best path whose collapsed
//                          labels differ from the target).
// Scores are log-probabilities (higher is better); losses are energies
// (E = −score). Each call allocates its own scratch (documented in docs/ctc.md).
#include "xloss/lattice/ctc.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <span>
#include <utility>
#include <vector>

namespace xloss {

namespace detail {

template <class Real>
void ctc_single_check(ctc_frames<Real> lp, std::span<const std::int64_t> target, std::int64_t blank) {
  if (lp.batch != 1) ctc_fail("log_probs: a single sample (N = 1) is expected, got N = ", lp.batch);
  const std::int64_t T = lp.frames, L = static_cast<std::int64_t>(target.size());
  std::vector<ctc_index> offsets;
  ctc_validate(lp, ctc_targets::concatenated(target), std::span(&T, 1), std::span(&L, 1),
               ctc_options{.blank = blank}, ctc_outputs<Real>{}, offsets);
}

template <class Real>
void check_size(std::span<Real> s, ctc_index n, const char* name) {
  if (!s.empty() && static_cast<ctc_index>(s.size()) != n)
    ctc_fail(name, ": expected T*C = ", n, " entries, got ", s.size());
}

// Best frame sequence overall (per-frame argmax; ties -> lowest class).
template <class Real>
Real best_free_path(ctc_frames<Real> lp, std::span<std::int64_t> path) {
  Real score = 0;
  for (ctc_index t = 0; t < lp.frames; ++t) {
    const Real* row = lp.data + t * lp.classes;
    const auto c = std::max_element(row, row + lp.classes) - row;  // first maximum
    path[t] = c;
    score += row[c];
  }
  return score;
}

// Best frame sequence whose collapsed labels differ from `target`, by Viterbi
// over (CTC topology) × (acceptor of all strings except target). A state is
// (q, p): q = matched target prefix length, or L + 1 once the string has
// deviated; p = class emitted at the previous frame. Ties -> the lowest
// (q, p) predecessor in row-major order. Returns −inf if no such sequence.
template <class Real>
Real best_incorrect_path(ctc_frames<Real> lp, std::span<const std::int64_t> target, std::int64_t blank,
                         std::span<std::int64_t> path) {
  constexpr Real ninf = -std::numeric_limits<Real>::infinity();
  const ctc_index T = lp.frames, C = lp.classes, L = static_cast<ctc_index>(target.size());
  const ctc_index Q = L + 2, dead = L + 1, K = Q * C;
  auto next_q = [&](ctc_index q, std::int64_t c) {  // acceptor step on an emitted label c
    return (q < L && c == target[q]) ? q + 1 : dead;
  };
  std::vector<Real> prev(K, ninf), cur(K);
  std::vector<std::int32_t> from(static_cast<std::size_t>(T * K), -1);
  // Frame 0 behaves as if preceded by a blank.
  for (std::int64_t c = 0; c < C; ++c) {
    const ctc_index q = (c == blank) ? 0 : next_q(0, c);
    prev[q * C + c] = lp.data[c];
  }
  for (ctc_index t = 1; t < T; ++t) {
    std::fill(cur.begin(), cur.end(), ninf);
    const Real* row = lp.data + t * C;
    for (ctc_index k = 0; k < K; ++k) {
      if (prev[k] == ninf) continue;
      const ctc_index q = k / C, p = k % C;
      for (std::int64_t c = 0; c < C; ++c) {
        const ctc_index q2 = (c == blank || c == p) ? q : next_q(q, c);
        const ctc_index k2 = q2 * C + c;
        if (prev[k] + row[c] > cur[k2]) {
          cur[k2] = prev[k] + row[c];
          from[t * K + k2] = static_cast<std::int32_t>(k);
        }
      }
    }
    std::swap(prev, cur);
  }
  ctc_index best = -1;
  for (ctc_index k = 0; k < K; ++k)
    if (k / C != L && prev[k] != ninf && (best < 0 || prev[k] > prev[best])) best = k;
  if (best < 0) return ninf;
  const Real score = prev[best];
  for (ctc_index t = T - 1; t >= 0; --t) {
    path[t] = best % C;
    if (t > 0) best = from[t * K + best];
  }
  return score;
}

template <class Real>
void add_path(std::span<Real> grad, ctc_index C, std::span<const std::int64_t> path, Real coeff) {
  for (std::size_t t = 0; t < path.size(); ++t) grad[t * C + path[t]] += coeff;
}

}  // namespace detail

// Viterbi forced alignment of `target` to one sample lp (T, C): returns the
// best path's score Σ_t lp[t, path[t]] (−inf if no alignment exists) and
// writes the class of each frame into `path` (T entries). The gradient of the
// score w.r.t. lp is the indicator of that path. Tie rule: see
// lattice::viterbi_states (the higher lattice state wins).
template <class Real>
Real ctc_best_alignment(ctc_frames<Real> lp, std::span<const std::int64_t> target, std::int64_t blank,
                        std::span<std::int64_t> path) {
  detail::ctc_single_check(lp, target, blank);
  if (static_cast<ctc_index>(path.size()) != lp.frames)
    detail::ctc_fail("path: expected T = ", lp.frames, " entries, got ", path.size());
  lattice::sample_scratch<Real> w;
  const ctc_index S = 2 * static_cast<ctc_index>(target.size()) + 1;
  w.reserve(lp.frames, S, 0);
  lattice::build_ctc_topology(target, blank, w);
  const lattice::frame_view<Real> view{lp.data, lp.frames, lp.classes};
  const Real score = lattice::forward<lattice::max_semiring>(view, S, w);
  if (score == -std::numeric_limits<Real>::infinity()) return score;
  std::vector<lattice::index> states(static_cast<std::size_t>(lp.frames));
  lattice::viterbi_states(lp.frames, S, w, std::span(states));
  for (ctc_index t = 0; t < lp.frames; ++t) path[t] = w.ext[states[t]];
  return score;
}

// Structured perceptron: E(target) − min_y E(y) with Viterbi energies,
// = max_π score(π) − max_{π ⊢ target} score(π) ≥ 0. grad (T·C, optional)
// gets onehot(best path) − onehot(best target path) (+inf and NaN gradient
// when the target cannot be aligned).
template <class Real>
Real ctc_perceptron_loss(ctc_frames<Real> lp, std::span<const std::int64_t> target, std::int64_t blank,
                         std::span<Real> grad = {}) {
  detail::ctc_single_check(lp, target, blank);
  detail::check_size(grad, lp.frames * lp.classes, "grad");
  std::vector<std::int64_t> free_path(static_cast<std::size_t>(lp.frames)), target_path(free_path.size());
  const Real correct = ctc_best_alignment(lp, target, blank, std::span(target_path));
  const Real best = detail::best_free_path(lp, std::span(free_path));
  std::fill(grad.begin(), grad.end(), Real(0));
  if (correct == -std::numeric_limits<Real>::infinity()) {
    std::fill(grad.begin(), grad.end(), std::numeric_limits<Real>::quiet_NaN());
    return std::numeric_limits<Real>::infinity();
  }
  if (!grad.empty()) {
    detail::add_path(grad, lp.classes, std::span<const std::int64_t>(free_path), Real(1));
    detail::add_path(grad, lp.classes, std::span<const std::int64_t>(target_path), Real(-1));
  }
  return best - correct;
}

// Hinge against the most offending incorrect answer:
// max(0, margin + E(target) − E(ȳ)), E(y) = −(best path score of y), ȳ the
// best-scoring label sequence ≠ target. Active iff the bracket is > 0; then
// grad = onehot(best path of ȳ) − onehot(best path of target), else 0.
// +inf (NaN gradient) when the target cannot be aligned; 0 when no incorrect
// sequence exists (E(ȳ) = +inf).
template <class Real>
Real ctc_hinge_loss(ctc_frames<Real> lp, std::span<const std::int64_t> target, std::int64_t blank, Real margin,
                    std::span<Real> grad = {}) {
  detail::ctc_single_check(lp, target, blank);
  detail::check_size(grad, lp.frames * lp.classes, "grad");
  std::vector<std::int64_t> wrong_path(static_cast<std::size_t>(lp.frames)), target_path(wrong_path.size());
  const Real correct = ctc_best_alignment(lp, target, blank, std::span(target_path));
  std::fill(grad.begin(), grad.end(), Real(0));
  if (correct == -std::numeric_limits<Real>::infinity()) {
    std::fill(grad.begin(), grad.end(), std::numeric_limits<Real>::quiet_NaN());
    return std::numeric_limits<Real>::infinity();
  }
  const Real wrong = detail::best_incorrect_path(lp, target, blank, std::span(wrong_path));
  const Real bracket = margin - correct + wrong;
  if (!(bracket > 0)) return Real(0);
  if (!grad.empty()) {
    detail::add_path(grad, lp.classes, std::span<const std::int64_t>(wrong_path), Real(1));
    detail::add_path(grad, lp.classes, std::span<const std::int64_t>(target_path), Real(-1));
  }
  return bracket;
}

}  // namespace xloss
