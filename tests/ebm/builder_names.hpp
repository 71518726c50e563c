// The hinge functions and costs of the builder reference cases, by the
// names the data files use (docs/ebm-reference.md).
#pragma once

#include <cmath>
#include <stdexcept>
#include <string>

#include <xloss/ebm/hinge_functions.hpp>
#include <xloss/ebm/margin_loss.hpp>

namespace ebm_test {

inline constexpr auto s = xloss::param<"s">;

// Calls f(H) with the hinge function named `name`.
template <class F>
auto with_hinge_function(const std::string& name, F f) {
  namespace H = xloss::ebm::H;
  if (name == "hinge0") return f(H::hinge);
  if (name == "softplus") return f(H::softplus);
  if (name == "squared_hinge") return f(H::squared_hinge);
  if (name == "sigmoid") return f(H::sigmoid);
  throw std::runtime_error("unknown hinge function '" + name + "'");
}

// Calls f(C, binding) with the cost named in case c and the binding of its
// data: zero_one uses the parameter m, abs_diff the parameter s, given the
// per-sample row "margin".
template <class In, class Case, class F>
auto with_cost(const In& in, const Case& c, F f) {
  namespace ebm = xloss::ebm;
  std::string name = c.opt("C", "");
  if (name == "zero_one") return f(ebm::zero_one_cost(ebm::m), ebm::m = c.opt_num("m", NAN));
  if (name == "abs_diff") return f(ebm::label_distance_cost(s), s = c.opt_num("s", NAN));
  if (name == "given") return f(ebm::margin_row, ebm::margin_row = in.margin);
  throw std::runtime_error("unknown cost '" + name + "'");
}

}  // namespace ebm_test
