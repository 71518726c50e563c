// Generalized perceptron loss: L = E_C − min_j E_j over all answers, y
// included (ebm_losses.md §1.2 item 2). Margin: 0.
//
// Tie rule (docs/ebm-reference.md): when E_C is a minimiser the minimum is
// taken at y itself, so L = 0 with zero gradient. Otherwise the minimiser is
// the most offending incorrect answer, hence L = max(0, E_C − E_I): the hinge
// with m = 0, which is how it is built. Gradient: +1 at y, −1 at the first
// minimiser, when E_C > E_I.
// Lecture typo fixed (E3): the loss is non-negative, not positive, and is 0
// iff y has the lowest energy (ties included); the seed writes X^* for X^i.
// Discrete answers only: the minimum runs over every answer.
#pragma once

#include <tuple>

#include <xloss/ebm/call.hpp>
#include <xloss/ebm/hinge_functions.hpp>
#include <xloss/ebm/margin_loss.hpp>

namespace xloss::ebm {

namespace loss {
constexpr auto perceptron() {
  using namespace xloss::literals;
  return most_offending_loss(H::hinge, 0_c);
}
}  // namespace loss

struct perceptron_options {
  xloss::reduction reduction = xloss::reduction::mean;
};

template <class ED, class YD, class... Out>
auto perceptron(const ED& energies, const YD& labels, perceptron_options o, Out&&... out) {
  detail::require_incorrect_answers(discrete, energies, labels);
  return detail::call(loss::perceptron(), discrete, energies, labels, o.reduction, std::tuple<>(),
                      static_cast<Out&&>(out)...);
}

}  // namespace xloss::ebm
