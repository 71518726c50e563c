// The incorrect answers and the most offending one (ebm_losses.md §4).
//
// Which answers are incorrect is a mask over the row:
//   discrete    every answer but y                       (E4 of the note)
//   continuous  the answers at distance >= eps from the
//               correct one — the closed set             (E5: not the strict > eps)
// The most offending incorrect answer is the one of lowest energy among them,
// the first (smallest index) of ties. Its energy E_I = min_where(E, mask) sends
// its gradient to that one answer (Danskin, note §4.3).
#pragma once

#include <xloss/ebm/variables.hpp>

namespace xloss::ebm {

inline constexpr auto other_answers = (j != y);
inline constexpr auto far_answers = (dist >= eps);
using discrete_mask = decltype(other_answers);
using continuous_mask = decltype(far_answers);

// Energy of the correct answer.
inline constexpr auto E_C = E[y];

// Energy and position of the most offending incorrect answer.
template <expression S = discrete_mask>
constexpr auto E_I(S incorrect = {}) {
  return min_where(E, incorrect);
}
template <expression S = discrete_mask>
constexpr auto most_offending(S incorrect = {}) {
  return argmin_where(E, incorrect);
}

}  // namespace xloss::ebm
