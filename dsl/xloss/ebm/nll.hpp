// Negative log-likelihood / MMI: L = E_C + (1/β)·log Σ_j e^(−β·E_j)
// (ebm_losses.md §1.2 item 9), with a max-shifted logsumexp. Margin:
// infinite (> 0). Gradient: onehot(y) − softmax(−β·E); it sums to 0.
// β → ∞ gives the perceptron: perceptron ≤ NLL_β ≤ perceptron + log K/β.
// Lecture typo fixed (E2): the text writes e^(+βE); Fig. 6 has the sign right.
#pragma once

#include <tuple>

#include <xloss/ebm/call.hpp>

namespace xloss::ebm {

namespace loss {
constexpr auto nll() { return E_C + logsumexp(-(beta * E)) / beta; }
}  // namespace loss

struct nll_options {
  double beta = 1;
  xloss::reduction reduction = xloss::reduction::mean;
};

template <class ED, class YD, class... Out>
auto nll(const ED& energies, const YD& labels, nll_options o, Out&&... out) {
  detail::require_positive(o.beta, "beta");
  return detail::call(loss::nll(), discrete, energies, labels, o.reduction, std::tuple(beta = o.beta),
                      static_cast<Out&&>(out)...);
}

}  // namespace xloss::ebm
