// Square-square loss: L = E_C² + max(0, m − E_I)² (ebm_losses.md §1.2 item 7).
// Margin: m. Meant for energies bounded below by 0 (distances): it pins E_C
// to 0 and pushes E_I to at least m. Gradient: g_C = 2·E_C,
// g_I = −2·max(0, m − E_I).
// Lecture typo fixed (E8): Fig. 6 prints − before the second term.
#pragma once

#include <tuple>

#include <xloss/ebm/call.hpp>
#include <xloss/ebm/margin_loss.hpp>

namespace xloss::ebm {

namespace loss {
template <expression S = discrete_mask>
constexpr auto square_square(S incorrect = {}) {
  auto q = [](auto ec, auto ei) { return xloss::square(ec) + xloss::square(xloss::relu(m - ei)); };
  return pair_loss(q, incorrect);
}
}  // namespace loss

struct square_square_options {
  double m = 1;
  xloss::reduction reduction = xloss::reduction::mean;
};

template <class ED, class YD, class Answers, class... Out>
  requires answer_set<Answers>
auto square_square(const ED& energies, const YD& labels, const Answers& answers, square_square_options o,
                   Out&&... out) {
  detail::require_finite(o.m, "m");
  detail::require_incorrect_answers(answers, energies, labels);
  return detail::call(loss::square_square(typename Answers::mask{}), answers, energies, labels, o.reduction,
                      std::tuple(m = o.m), static_cast<Out&&>(out)...);
}
template <class ED, class YD, class... Out>
auto square_square(const ED& energies, const YD& labels, square_square_options o, Out&&... out) {
  return ebm::square_square(energies, labels, discrete, o, static_cast<Out&&>(out)...);
}

}  // namespace xloss::ebm
