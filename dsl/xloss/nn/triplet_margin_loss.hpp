// TripletMarginLoss (pytorch_losses.md §5):
//   l = clamp_min(margin + d(a, p) − d(a, n), 0),   d(u, v) = ‖u − v + eps‖_p,
//   with swap: d(a, n) → min(d(a, n), d(p, n)) (ties split the gradient ½ each).
//
//   float L = xloss::nn::triplet_margin_loss(A, P, N, {.margin = 0.5, .p = 1},
//                                            xloss::nn::grad<"anchor"> = GA);
// Rows are samples (a no-batch input is a 1×D row). p ∈ {1, 2, inf} use the
// exact norms, any other p > 0 the general p-norm.
#pragma once

#include <cmath>
#include <stdexcept>
#include <string>

#include <xloss/nn/functional.hpp>

namespace xloss::nn {

namespace triplet {
using namespace xloss::literals;
inline constexpr auto anchor = row<"anchor">;
inline constexpr auto positive = row<"positive">;
inline constexpr auto negative = row<"negative">;
inline constexpr auto margin = param<"margin">;
inline constexpr auto eps = param<"eps">;
inline constexpr auto p = param<"p">;

enum class norm { l1, l2, linf, lp };

// max|b| whose gradient is shared equally by all tied maxima, as PyTorch's
// p = inf norm backward does (norm_inf alone sends it to the first one).
constexpr auto norm_inf_shared(auto b) {
  auto at_max = abs(b) == norm_inf(b);
  return safe_div(sum(select(at_max, abs(b), 0_c)), sum(select(at_max, 1_c, 0_c)));
}

// PyTorch's pairwise_distance: ‖u − v + eps‖_p (asymmetric).
template <norm P>
constexpr auto distance(auto u, auto v) {
  auto b = u - v + eps;
  if constexpr (P == norm::l1) return norm1(b);
  else if constexpr (P == norm::l2) return norm2(b);
  else if constexpr (P == norm::linf) return norm_inf_shared(b);
  else return pnorm(b, p);
}

template <norm P, bool Swap>
constexpr auto loss() {
  auto dn = [] {
    if constexpr (Swap) return min(distance<P>(anchor, negative), distance<P>(positive, negative));
    else return distance<P>(anchor, negative);
  }();
  return clamp_min(margin + distance<P>(anchor, positive) - dn, 0_c);
}
}  // namespace triplet

struct triplet_margin_loss_options {
  double margin = 1.0;
  double p = 2.0;  // 1, 2, inf or any other p > 0
  double eps = 1e-6;
  bool swap = false;
  xloss::reduction reduction = xloss::reduction::mean;
};

template <class A, class P, class N, class... Outs>
auto triplet_margin_loss(const A& anchor, const P& positive, const N& negative,
                         triplet_margin_loss_options o = {}, Outs&&... outs) {
  using namespace triplet;
  if (!(o.p > 0))
    throw std::invalid_argument("xloss: triplet_margin_loss: 'p' must be positive, got " + std::to_string(o.p));
  auto run = [&]<norm Norm, bool Swap>() {
    auto common = [&](auto... extra) {
      return evaluate(loss<Norm, Swap>(), o.reduction, triplet::anchor = anchor, triplet::positive = positive,
                      triplet::negative = negative, margin = o.margin, eps = o.eps, extra...,
                      forward_output<row_var<"anchor">, row_var<"positive">, row_var<"negative">>(outs)...);
    };
    if constexpr (Norm == norm::lp) return common(triplet::p = o.p);
    else return common();
  };
  auto by_norm = [&]<bool Swap>() {
    if (o.p == 1) return run.template operator()<norm::l1, Swap>();
    if (o.p == 2) return run.template operator()<norm::l2, Swap>();
    if (std::isinf(o.p)) return run.template operator()<norm::linf, Swap>();
    return run.template operator()<norm::lp, Swap>();
  };
  return o.swap ? by_norm.template operator()<true>() : by_norm.template operator()<false>();
}

}  // namespace xloss::nn
