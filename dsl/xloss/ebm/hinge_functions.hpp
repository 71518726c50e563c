// The non-decreasing functions H of the margin-loss builders
// (ebm_losses.md §3.2), as generic callables on expressions. Any other DSL
// function of one expression works as well, e.g. [](auto z) { return xloss::tanh(z); }.
#pragma once

#include <xloss/xloss.hpp>

namespace xloss::ebm::H {

// max(0, z), gradient [z > 0]: the boundary is inactive.
inline constexpr auto hinge = [](auto z) { return xloss::relu(z); };
// log(1 + e^z), the soft hinge.
inline constexpr auto softplus = [](auto z) { return xloss::softplus(z); };
// max(0, z)².
inline constexpr auto squared_hinge = [](auto z) { return xloss::square(xloss::relu(z)); };
// 1/(1 + e^−z), a smooth step.
inline constexpr auto sigmoid = [](auto z) { return xloss::sigmoid(z); };

// min(cap, max(0, z)) with gradient [0 < z < cap]. A select rather than
// clamp_max, whose gradient would flow at z = cap, and rather than
// cap − relu(cap − relu(z)), which would round small values.
template <expression Cap>
constexpr auto saturated_hinge(Cap) {
  return [](auto z) {
    auto r = xloss::relu(z);
    return xloss::select(r < Cap{}, r, Cap{});
  };
}

}  // namespace xloss::ebm::H
