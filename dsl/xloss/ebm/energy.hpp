// Energy loss: L = E_C (ebm_losses.md §1.2 item 1). Margin: none.
// Gradient: 1 at the correct answer, 0 elsewhere. Nothing pushes the other
// energies up, so unless the architecture does, training collapses the
// energy surface (examples/ebm_collapse.cpp shows it).
#pragma once

#include <tuple>

#include <xloss/ebm/call.hpp>

namespace xloss::ebm {

namespace loss {
constexpr auto energy() { return E_C; }
}  // namespace loss

struct energy_options {
  xloss::reduction reduction = xloss::reduction::mean;
};

template <class ED, class YD, class... Out>
auto energy(const ED& energies, const YD& labels, energy_options o, Out&&... out) {
  return detail::call(loss::energy(), discrete, energies, labels, o.reduction, std::tuple<>(),
                      static_cast<Out&&>(out)...);
}

}  // namespace xloss::ebm
