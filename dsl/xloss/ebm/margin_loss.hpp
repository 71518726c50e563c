// Builders of the generalized margin losses (ebm_losses.md §3).
//
//   pair_loss(Q)                 Q(E_C, E_I): any function of the correct energy and
//                                of the most offending incorrect one (§3.1)
//   most_offending_loss(H, m)    H(E_C − E_I + m) for a non-decreasing H
//   generalized_margin_loss(H, C)
//                                Σ_{j≠y} H(E_C − E_j + C(y, j)) (§3.2), with C any
//                                expression of y and the inner index j
// The optional last argument of the first two is the mask of incorrect answers
// (incorrect.hpp): discrete by default, or `far_answers` for continuous mode.
#pragma once

#include <xloss/ebm/incorrect.hpp>

namespace xloss::ebm {

template <class Q, expression S = discrete_mask>
constexpr auto pair_loss(Q q, S incorrect = {}) {
  return q(E_C, E_I(incorrect));
}

template <class Hf, expression Margin, expression S = discrete_mask>
constexpr auto most_offending_loss(Hf h, Margin margin, S incorrect = {}) {
  return h(E_C - E_I(incorrect) + margin);
}

// The sum skips j = y (E12 of the note: the lecture's sum includes it, which
// adds the constant H(C(y, y)), log 2 for softplus). The term at j = y is
// computed and discarded; select passes it no gradient.
template <class Hf, expression Cost>
constexpr auto generalized_margin_loss(Hf h, Cost cost) {
  using namespace xloss::literals;
  return sum(select(j != y, h(E_C - E + cost), 0_c));
}

// Costs C(y, j) for the sum form.
template <expression Margin>
constexpr auto zero_one_cost(Margin margin) {  // margin·[j ≠ y]
  using namespace xloss::literals;
  return select(j != y, margin, 0_c);
}
template <expression Scale>
constexpr auto label_distance_cost(Scale s) {  // s·|j − y|
  return s * abs(as_real(j) - as_real(y));
}
// A per-sample margin row, given as data: margin(i, j) is the cost of answer j.
inline constexpr auto margin_row = row<"margin">;

}  // namespace xloss::ebm
