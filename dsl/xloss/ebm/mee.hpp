// Minimum empirical error: L = 1 − P_β(y), P_β = softmax(−β·E)
// (ebm_losses.md §1.2 item 10). Margin: infinite (> 0). Non-convex, in
// [0, 1). Gradient: β·P_y·(onehot(y) − P); it sums to 0. Needs K >= 2.
//
// Two exact formulas, each accurate where the other is not:
//   1 − P_y                   rounds badly when P_y is close to 1;
//   exp(LSE_{j≠y}(−β·E) − LSE(−β·E))   (the note's stable form) is accurate
//                             there, but its gradient at j ≠ y is
//                             (1 − P_y)·β·(P_j − P_j/(1 − P_y)), which cancels
//                             when P_y is tiny (confidently wrong samples).
// The loss takes the first while P_y < 1/2 and the second from there on. Both
// are the same function, so value and gradient are continuous at the switch.
// The masked logsumexp gives the correct answer the exact value log(0) = −inf,
// which contributes exp(−inf) = 0 to the sum and no gradient.
#pragma once

#include <tuple>

#include <xloss/ebm/call.hpp>

namespace xloss::ebm {

namespace loss {
constexpr auto mee() {
  using namespace xloss::literals;
  auto lse = logsumexp(-(beta * E));
  auto lse_incorrect = logsumexp(select(j != y, -(beta * E), xloss::log(0_c)));
  auto p_y = exp(-(beta * E_C) - lse);
  return select(p_y < 1_c / 2_c, 1_c - p_y, exp(lse_incorrect - lse));
}
}  // namespace loss

struct mee_options {
  double beta = 1;
  xloss::reduction reduction = xloss::reduction::mean;
};

template <class ED, class YD, class... Out>
auto mee(const ED& energies, const YD& labels, mee_options o, Out&&... out) {
  detail::require_positive(o.beta, "beta");
  detail::require_incorrect_answers(discrete, energies, labels);
  return detail::call(loss::mee(), discrete, energies, labels, o.reduction, std::tuple(beta = o.beta),
                      static_cast<Out&&>(out)...);
}

}  // namespace xloss::ebm
