// LVQ2, ratio form: L = min(1, max(0, (E_C − E_I)/(δ·E_I))) (ebm_losses.md
// §1.2 item 5b; the E_I denominator is unverified against the tutorial PDF).
// Margin: 0. For distance energies: needs E_I > 0 (checked), and is invariant
// to rescaling all energies. L = 1 once E_C ≥ (1 + δ)·E_I.
// Gradient, only where 0 < ratio < 1: g_C = 1/(δ·E_I), g_I = −E_C/(δ·E_I²).
// Lecture typo fixed (E9): kept apart from the table form lvq2_diff.
#pragma once

#include <string>
#include <tuple>

#include <xloss/ebm/call.hpp>
#include <xloss/ebm/hinge_functions.hpp>
#include <xloss/ebm/margin_loss.hpp>

namespace xloss::ebm {

namespace loss {
template <expression S = discrete_mask>
constexpr auto lvq2_ratio(S incorrect = {}) {
  using namespace xloss::literals;
  auto ratio = [](auto ec, auto ei) { return H::saturated_hinge(1_c)((ec - ei) / (delta * ei)); };
  return pair_loss(ratio, incorrect);
}
}  // namespace loss

struct lvq2_ratio_options {
  double delta = 1;
  xloss::reduction reduction = xloss::reduction::mean;
};

template <class ED, class YD, class Answers, class... Out>
  requires answer_set<Answers>
auto lvq2_ratio(const ED& energies, const YD& labels, const Answers& answers, lvq2_ratio_options o,
                Out&&... out) {
  detail::require_positive(o.delta, "delta");
  detail::for_each_most_offending(answers, energies, labels, [](std::ptrdiff_t i, double ei) {
    if (!(ei > 0))
      detail::fail("lvq2_ratio needs a positive energy E_I of the most offending incorrect answer; sample " +
                   std::to_string(i) + " of 'E' has E_I = " + std::to_string(ei));
  });
  return detail::call(loss::lvq2_ratio(typename Answers::mask{}), answers, energies, labels, o.reduction,
                      std::tuple(delta = o.delta), static_cast<Out&&>(out)...);
}
template <class ED, class YD, class... Out>
auto lvq2_ratio(const ED& energies, const YD& labels, lvq2_ratio_options o, Out&&... out) {
  return ebm::lvq2_ratio(energies, labels, discrete, o, static_cast<Out&&>(out)...);
}

}  // namespace xloss::ebm
