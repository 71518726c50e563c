// LVQ2, difference (table) form: L = min(M, max(0, E_C − E_I))
// (ebm_losses.md §1.2 item 5a). Margin: 0. Saturates at M: an outlier costs
// at most M. Gradient: g_C = [0 < E_C − E_I < M] = −g_I (0 at both kinks).
// Lecture typo fixed (E9): Fig. 6 misses a closing parenthesis; the ratio
// form of the tutorial's text is the separate lvq2_ratio.
#pragma once

#include <tuple>

#include <xloss/ebm/call.hpp>
#include <xloss/ebm/hinge_functions.hpp>
#include <xloss/ebm/margin_loss.hpp>

namespace xloss::ebm {

namespace loss {
template <expression S = discrete_mask>
constexpr auto lvq2_diff(S incorrect = {}) {
  using namespace xloss::literals;
  return most_offending_loss(H::saturated_hinge(M), 0_c, incorrect);
}
}  // namespace loss

struct lvq2_diff_options {
  double M = 1;
  xloss::reduction reduction = xloss::reduction::mean;
};

template <class ED, class YD, class Answers, class... Out>
  requires answer_set<Answers>
auto lvq2_diff(const ED& energies, const YD& labels, const Answers& answers, lvq2_diff_options o, Out&&... out) {
  detail::require_positive(o.M, "M");
  detail::require_incorrect_answers(answers, energies, labels);
  return detail::call(loss::lvq2_diff(typename Answers::mask{}), answers, energies, labels, o.reduction,
                      std::tuple(M = o.M), static_cast<Out&&>(out)...);
}
template <class ED, class YD, class... Out>
auto lvq2_diff(const ED& energies, const YD& labels, lvq2_diff_options o, Out&&... out) {
  return ebm::lvq2_diff(energies, labels, discrete, o, static_cast<Out&&>(out)...);
}

}  // namespace xloss::ebm
