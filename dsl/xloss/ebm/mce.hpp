// Minimum classification error: L = σ(E_C − E_I) (ebm_losses.md §1.2 item 6),
// a smooth step counting errors. Margin: infinite (> 0). Non-convex, in (0, 1).
// Gradient: g_C = σ(1 − σ) = −g_I.
#pragma once

#include <tuple>

#include <xloss/ebm/call.hpp>
#include <xloss/ebm/hinge_functions.hpp>
#include <xloss/ebm/margin_loss.hpp>

namespace xloss::ebm {

namespace loss {
template <expression S = discrete_mask>
constexpr auto mce(S incorrect = {}) {
  using namespace xloss::literals;
  return most_offending_loss(H::sigmoid, 0_c, incorrect);
}
}  // namespace loss

struct mce_options {
  xloss::reduction reduction = xloss::reduction::mean;
};

template <class ED, class YD, class Answers, class... Out>
  requires answer_set<Answers>
auto mce(const ED& energies, const YD& labels, const Answers& answers, mce_options o, Out&&... out) {
  detail::require_incorrect_answers(answers, energies, labels);
  return detail::call(loss::mce(typename Answers::mask{}), answers, energies, labels, o.reduction, std::tuple<>(),
                      static_cast<Out&&>(out)...);
}
template <class ED, class YD, class... Out>
auto mce(const ED& energies, const YD& labels, mce_options o, Out&&... out) {
  return ebm::mce(energies, labels, discrete, o, static_cast<Out&&>(out)...);
}

}  // namespace xloss::ebm
