// The data of an energy-based-model loss, as DSL variables
// (ebm_losses.md; docs/catalogue-ebm.md).
//
// Per sample: a row E of the energies of K answers (lower is better) and the
// index y of the correct answer. For a continuous answer space sampled at K
// points there is also a row `dist` — each answer's distance to the correct
// one — and a threshold eps. Runtime parameters are named as in the formulas.
#pragma once

#include <xloss/xloss.hpp>

namespace xloss::ebm {

inline constexpr auto E = row<"E">;
inline constexpr auto y = label<"y">;
inline constexpr auto dist = row<"dist">;
inline constexpr auto eps = param<"eps">;

inline constexpr auto m = param<"m">;          // margin (hinge, square-square)
inline constexpr auto M = param<"M">;          // saturation of LVQ2 (difference form)
inline constexpr auto delta = param<"delta">;  // LVQ2 ratio form
inline constexpr auto gamma = param<"gamma">;  // square-exp weight (Fig. 6 calls it β: E10)
inline constexpr auto beta = param<"beta">;    // inverse temperature of NLL and MEE

}  // namespace xloss::ebm
