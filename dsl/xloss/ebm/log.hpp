// Log loss (the soft hinge): L = log(1 + e^(E_C − E_I)) (ebm_losses.md §1.2
// item 4), computed stably. Margin: infinite (> 0): never exactly 0.
// Gradient: g_C = σ(E_C − E_I) = −g_I.
// Lecture typo fixed (E7): its figures plot the loss against E_C − E_I, not
// against the E_I − E_C written on the axis.
#pragma once

#include <tuple>

#include <xloss/ebm/call.hpp>
#include <xloss/ebm/hinge_functions.hpp>
#include <xloss/ebm/margin_loss.hpp>

namespace xloss::ebm {

namespace loss {
template <expression S = discrete_mask>
constexpr auto log(S incorrect = {}) {
  using namespace xloss::literals;
  return most_offending_loss(H::softplus, 0_c, incorrect);
}
}  // namespace loss

struct log_options {
  xloss::reduction reduction = xloss::reduction::mean;
};

template <class ED, class YD, class Answers, class... Out>
  requires answer_set<Answers>
auto log(const ED& energies, const YD& labels, const Answers& answers, log_options o, Out&&... out) {
  detail::require_incorrect_answers(answers, energies, labels);
  return detail::call(loss::log(typename Answers::mask{}), answers, energies, labels, o.reduction, std::tuple<>(),
                      static_cast<Out&&>(out)...);
}
template <class ED, class YD, class... Out>
auto log(const ED& energies, const YD& labels, log_options o, Out&&... out) {
  return ebm::log(energies, labels, discrete, o, static_cast<Out&&>(out)...);
}

}  // namespace xloss::ebm
