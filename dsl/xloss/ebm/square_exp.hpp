// Square-exponential loss: L = E_C² + γ·e^(−E_I) (ebm_losses.md §1.2 item 8).
// Margin: infinite (> 0): E_I is pushed up with an exponentially fading force.
// Gradient: g_C = 2·E_C, g_I = −γ·e^(−E_I).
// Lecture typo fixed (E10): Fig. 6 calls the weight β, which is the NLL's
// inverse temperature; here it is gamma.
#pragma once

#include <tuple>

#include <xloss/ebm/call.hpp>
#include <xloss/ebm/margin_loss.hpp>

namespace xloss::ebm {

namespace loss {
template <expression S = discrete_mask>
constexpr auto square_exp(S incorrect = {}) {
  auto q = [](auto ec, auto ei) { return xloss::square(ec) + gamma * xloss::exp(-ei); };
  return pair_loss(q, incorrect);
}
}  // namespace loss

struct square_exp_options {
  double gamma = 1;
  xloss::reduction reduction = xloss::reduction::mean;
};

template <class ED, class YD, class Answers, class... Out>
  requires answer_set<Answers>
auto square_exp(const ED& energies, const YD& labels, const Answers& answers, square_exp_options o,
                Out&&... out) {
  detail::require_positive(o.gamma, "gamma");
  detail::require_incorrect_answers(answers, energies, labels);
  return detail::call(loss::square_exp(typename Answers::mask{}), answers, energies, labels, o.reduction,
                      std::tuple(gamma = o.gamma), static_cast<Out&&>(out)...);
}
template <class ED, class YD, class... Out>
auto square_exp(const ED& energies, const YD& labels, square_exp_options o, Out&&... out) {
  return ebm::square_exp(energies, labels, discrete, o, static_cast<Out&&>(out)...);
}

}  // namespace xloss::ebm
