// Hinge loss: L = max(0, m + E_C − E_I) (ebm_losses.md §1.2 item 3). Margin: m.
// Gradient: g_C = [m + E_C − E_I > 0] = −g_I (the boundary is inactive).
// Lecture typo fixed (E6): the seed writes max(0, m + E_C) − E_I.
#pragma once

#include <tuple>

#include <xloss/ebm/call.hpp>
#include <xloss/ebm/hinge_functions.hpp>
#include <xloss/ebm/margin_loss.hpp>

namespace xloss::ebm {

namespace loss {
template <expression S = discrete_mask>
constexpr auto hinge(S incorrect = {}) {
  return most_offending_loss(H::hinge, m, incorrect);
}
}  // namespace loss

struct hinge_options {
  double m = 1;
  xloss::reduction reduction = xloss::reduction::mean;
};

template <class ED, class YD, class Answers, class... Out>
  requires answer_set<Answers>
auto hinge(const ED& energies, const YD& labels, const Answers& answers, hinge_options o, Out&&... out) {
  detail::require_finite(o.m, "m");
  detail::require_incorrect_answers(answers, energies, labels);
  return detail::call(loss::hinge(typename Answers::mask{}), answers, energies, labels, o.reduction,
                      std::tuple(m = o.m), static_cast<Out&&>(out)...);
}
template <class ED, class YD, class... Out>
auto hinge(const ED& energies, const YD& labels, hinge_options o, Out&&... out) {
  return ebm::hinge(energies, labels, discrete, o, static_cast<Out&&>(out)...);
}

}  // namespace xloss::ebm
