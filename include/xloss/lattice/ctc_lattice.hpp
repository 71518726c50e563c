#pragma once
// The CTC alignment lattice of one sample and the semiring-generic dynamic
// program over it.
//
// Lattice: the extended label sequence l' = (blank, y1, blank, y2, ..., yL,
// blank), S = 2L + 1 states. A path visits one state per frame; from state s
// it may stay at s, advance to s+1, or skip to s+2 when l'[s+2] is a label
// different from l'[s] (so repeated labels need a blank between them). Paths
// start in state 0 or 1 and end in state S−1 or S−2. The score of a path is
// Σ_t lp[t, l'[s_t]]; the semiring decides how path scores combine:
//   log_semiring -> log Σ_paths e^score   (CTC: loss = −total)
//   max_semiring -> max_paths score       (Viterbi / forced alignment)
#include "xloss/lattice/semiring.hpp"

#include <Eigen/Core>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

namespace xloss::lattice {

using index = std::ptrdiff_t;

// Emission scores of one sample: frame t, class c is at data[t * stride + c].
template <class Real>
struct frame_view {
  const Real* data;
  index frames;
  index stride;
  const Real* operator[](index t) const { return data + t * stride; }
};

// Eigen splits a vectorised loop into scalar head, packets and scalar tail
// according to the destination's address, and its scalar and packet exp/log
// differ in the last bit. So every DP row starts on an address aligned to
// Eigen's largest packet and holds a whole number of packets: the loops run
// packets only (fast), and results depend on the problem alone, never on
// where the heap put a buffer (thread-count independence).
template <class T>
using aligned_vector = std::vector<T, Eigen::aligned_allocator<T>>;

template <class Real>
inline constexpr index lanes = std::max<index>(static_cast<index>(EIGEN_MAX_ALIGN_BYTES / sizeof(Real)), 2);

// Geometry of one sample's rows. States s ≥ S up to the padded width Sp are
// dead (emission −inf). A forward row has `lanes` −inf slots before the
// states, read as s−1 and s−2 (the backward row q has them after the states).
template <class Real>
struct row_layout {
  index S, Sp, W;
  explicit row_layout(index states)
      : S(states), Sp((states + lanes<Real> - 1) / lanes<Real> * lanes<Real>), W(Sp + lanes<Real>) {}
  static constexpr index lead = lanes<Real>;
};

// Reusable buffers for one sample; one per thread. They only grow (reserve),
// so a warmed-up scratch makes every later call allocation-free.
template <class Real>
struct sample_scratch {
  std::vector<index> ext;     // l', S entries
  aligned_vector<Real> skip;  // additive skip mask into s: 0 allowed, −inf not; Sp + 2 entries
  aligned_vector<Real> alpha; // (T + 1) rows of W: row 0 is the virtual start, row t+1 is frame t
  aligned_vector<Real> q;     // backward row β_{t+1} + e_{t+1}: Sp + lanes entries
  aligned_vector<Real> beta, emit, tmp;  // Sp entries each
  aligned_vector<Real> lp;    // log_softmax of logits (fused variant only), T × C

  void reserve(index frames, index states, index classes) {
    const row_layout<Real> r(states);
    const auto sp = static_cast<std::size_t>(r.Sp);
    ext.resize(static_cast<std::size_t>(states));
    skip.resize(sp + 2);
    alpha.resize(static_cast<std::size_t>((frames + 1) * r.W));
    q.resize(sp + lanes<Real>);
    beta.resize(sp);
    emit.resize(sp);
    tmp.resize(sp);
    lp.resize(static_cast<std::size_t>(frames * classes));
  }
};

// Builds l' and the skip mask for `target`; returns S. Scratch must be
// reserved for at least 2 * target.size() + 1 states.
template <class Real>
index build_ctc_topology(std::span<const std::int64_t> target, std::int64_t blank,
                         sample_scratch<Real>& w) {
  constexpr Real ninf = -std::numeric_limits<Real>::infinity();
  const row_layout<Real> r(2 * static_cast<index>(target.size()) + 1);
  const index S = r.S;
  for (index s = 0; s < S; ++s) w.ext[s] = (s % 2 == 0) ? blank : target[s / 2];
  // skip[s] governs the arc s−2 -> s. State 1 may be entered from the virtual
  // start (position −1 of row 0), which the s−2 arc of state 1 reads.
  w.skip[0] = ninf;
  if (S > 1) w.skip[1] = 0;
  for (index s = 2; s < S; ++s) w.skip[s] = (s % 2 == 1 && w.ext[s] != w.ext[s - 2]) ? Real(0) : ninf;
  std::fill(w.skip.begin() + S, w.skip.begin() + r.Sp + 2, ninf);  // dead states, and past the end
  return S;
}

// emit[s] = row[l'[s]] for the live states, −inf for the dead padding.
template <class Real>
void gather_emissions(const Real* row, const row_layout<Real>& r, sample_scratch<Real>& w) {
  for (index s = 0; s < r.S; ++s) w.emit[s] = row[w.ext[s]];
  std::fill(w.emit.begin() + r.S, w.emit.begin() + r.Sp, -std::numeric_limits<Real>::infinity());
}

// Forward pass: fills α (α_t(s) includes the emission of frame t) and returns
// the semiring total over the final states. Requires frames ≥ 1.
template <class Semiring, class Real>
Real forward(frame_view<Real> lp, index S, sample_scratch<Real>& w) {
  using Arr = Eigen::Array<Real, Eigen::Dynamic, 1>;
  constexpr Real ninf = -std::numeric_limits<Real>::infinity();
  const row_layout<Real> r(S);
  const index Sp = r.Sp, lead = r.lead;
  Real* start = w.alpha.data();
  std::fill(start, start + r.W, ninf);
  start[lead - 1] = 0;  // the virtual state −1 before the first frame
  Eigen::Map<Arr, Eigen::Aligned> emit(w.emit.data(), Sp), m(w.tmp.data(), Sp);
  const Eigen::Map<const Arr, Eigen::Aligned> skip(w.skip.data(), Sp);
  for (index t = 0; t < lp.frames; ++t) {
    const Real* prev = start + t * r.W + lead;
    Real* cur = start + (t + 1) * r.W;
    std::fill(cur, cur + lead, ninf);
    gather_emissions(lp[t], r, w);
    Eigen::Map<Arr, Eigen::Aligned> out(cur + lead, Sp);
    Semiring::plus3_times(out, Eigen::Map<const Arr>(prev, Sp), Eigen::Map<const Arr>(prev - 1, Sp),
                          Eigen::Map<const Arr>(prev - 2, Sp) + skip, emit, m);
  }
  const Real* last = start + lp.frames * r.W + lead;
  if (S == 1) return last[0];
  // ⊕ of the two final states, through the same vectorised primitive.
  Eigen::Array<Real, 1, 1> total, a, b, none, scratch;
  a << last[S - 1];
  b << last[S - 2];
  none << ninf;
  Semiring::plus3_times(total, a, b, none, Eigen::Array<Real, 1, 1>::Zero(), scratch);
  return total[0];
}

// Backward pass of the log semiring after `forward<log_semiring>` returned a
// finite total `log_z`: for every frame t adds coeff · γ_t(c) to grad[t][c],
// where γ_t(c) = Σ_{s: l'[s]=c} P(path in state s at frame t) is the posterior
// occupancy (= ∂ log_z / ∂ lp[t, c]). grad rows are at grad + t * grad_stride.
template <class Real>
void add_log_posteriors(frame_view<Real> lp, index S, Real log_z, Real coeff, Real* grad,
                        index grad_stride, sample_scratch<Real>& w) {
  using Arr = Eigen::Array<Real, Eigen::Dynamic, 1>;
  constexpr Real ninf = -std::numeric_limits<Real>::infinity();
  const row_layout<Real> r(S);
  const index Sp = r.Sp;
  Eigen::Map<Arr, Eigen::Aligned> beta(w.beta.data(), Sp), emit(w.emit.data(), Sp), m(w.tmp.data(), Sp),
      q(w.q.data(), Sp);
  // β_{T−1}(s): 0 in the final states, −inf elsewhere.
  beta.setConstant(ninf);
  beta[S - 1] = 0;
  if (S > 1) beta[S - 2] = 0;
  std::fill(w.q.begin() + Sp, w.q.end(), ninf);
  for (index t = lp.frames - 1; t >= 0; --t) {
    if (t < lp.frames - 1) {
      log_semiring::plus3_times(beta, Eigen::Map<const Arr>(w.q.data(), Sp), Eigen::Map<const Arr>(w.q.data() + 1, Sp),
                                Eigen::Map<const Arr>(w.q.data() + 2, Sp) + Eigen::Map<const Arr>(w.skip.data() + 2, Sp),
                                Arr::Zero(Sp), m);
    }
    const Eigen::Map<const Arr, Eigen::Aligned> alpha(w.alpha.data() + (t + 1) * r.W + r.lead, Sp);
    m = (alpha + beta - log_z).exp();  // posterior of (t, s)
    Real* g = grad + t * grad_stride;
    for (index s = 0; s < S; ++s) g[w.ext[s]] += coeff * m[s];
    gather_emissions(lp[t], r, w);
    q = beta + emit;
  }
}

// Backtrace of the max-semiring α after `forward<max_semiring>` returned a
// finite total: writes the best path's state for each frame into `states`.
// Tie rule: at equal scores the higher lattice state wins (stay over advance
// over skip as predecessor; final state S−1, the trailing blank, over S−2).
template <class Real>
void viterbi_states(index frames, index S, const sample_scratch<Real>& w, std::span<index> states) {
  const row_layout<Real> r(S);
  auto alpha = [&](index t, index s) { return w.alpha[(t + 1) * r.W + r.lead + s]; };  // s ≥ −2
  index s = (S > 1 && alpha(frames - 1, S - 2) > alpha(frames - 1, S - 1)) ? S - 2 : S - 1;
  states[frames - 1] = s;
  for (index t = frames - 1; t > 0; --t) {
    index best = s;
    if (alpha(t - 1, s - 1) > alpha(t - 1, best)) best = s - 1;
    if (w.skip[s] == 0 && alpha(t - 1, s - 2) > alpha(t - 1, best)) best = s - 2;
    s = best;
    states[t - 1] = s;
  }
}

}  // namespace xloss::lattice
