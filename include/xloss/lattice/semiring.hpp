#pragma once
// Semirings for the lattice dynamic program, in the *score* convention
// (scores are log-probabilities: higher is better, ⊗ is +). The energy
// convention of ebm_losses.md (min-plus, log-β with a minus sign) is the
// same algebra applied to −score.
//
// Each semiring supplies the one operation the CTC-topology recursion needs,
// a vectorised three-way ⊕ over Eigen arrays: out = (a ⊕ b ⊕ c) ⊗ e.
#include <Eigen/Core>

#include <limits>
#include <type_traits>

namespace xloss::lattice {

// log semiring: a ⊕ b = log(eᵃ + eᵇ). Its total is the forward (sum over
// paths) score; its gradient is the path posterior.
struct log_semiring {
  template <class Real>
  static constexpr Real zero() { return -std::numeric_limits<Real>::infinity(); }

  // out = log(eᵃ + eᵇ + eᶜ) + e, computed as m + log(Σ e^(x−m)) with m the
  // running maximum, so one term is exactly 1 and nothing overflows. Where
  // all three are −inf the result must be −inf: m stays −inf in the outer
  // sum, and the shifted copy `ms` is clamped to a finite value only so that
  // the exponentials see (−inf) − finite instead of (−inf) − (−inf) = NaN.
  // `m` is a caller-provided scratch array of the same size (no allocation).
  template <class Out, class A, class B, class C, class E, class M>
  static void plus3_times(Out&& out, const A& a, const B& b, const C& c, const E& e, M&& m) {
    using Real = typename std::decay_t<Out>::Scalar;
    m = a.max(b).max(c);
    const auto ms = m.max(std::numeric_limits<Real>::lowest());
    out = m + ((a - ms).exp() + (b - ms).exp() + (c - ms).exp()).log() + e;
  }
};

// tropical (max-plus) semiring: a ⊕ b = max(a, b). Its total is the Viterbi
// (best single path) score; its gradient is the indicator of the best path.
struct max_semiring {
  template <class Real>
  static constexpr Real zero() { return -std::numeric_limits<Real>::infinity(); }

  template <class Out, class A, class B, class C, class E, class M>
  static void plus3_times(Out&& out, const A& a, const B& b, const C& c, const E& e, M&& /*m*/) {
    out = a.max(b).max(c) + e;
  }
};

}  // namespace xloss::lattice
