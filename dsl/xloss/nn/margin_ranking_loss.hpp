// MarginRankingLoss / F.margin_ranking_loss:
//   clamp_min(−target·(input1 − input2) + margin, 0),
// with the gradient flowing at the kink (clamp_min, as PyTorch). All three
// arguments are differentiable and must have the same shape (PyTorch also
// broadcasts them: docs/catalogue-elementwise.md).
#pragma once

#include <xloss/nn/elementwise.hpp>

namespace xloss::nn {

inline constexpr auto margin_ranking_loss_expr = [] {
  using namespace xloss::literals;
  constexpr auto y = scalar<"target">;
  return clamp_min(-y * (scalar<"input1"> - scalar<"input2">) + param<"margin">, 0_c);
}();

template <class T = double>
struct margin_ranking_loss_options {
  xloss::reduction reduction = xloss::reduction::mean;
  T margin = 0;
};

template <class Input1, class Input2, class Target, class... Out>
auto margin_ranking_loss(const Input1& input1, const Input2& input2, const Target& target,
                         const margin_ranking_loss_options<typename Input1::Scalar>& opt = {}, Out&&... outs) {
  auto call = detail::call_for(input1, "input1");
  using X1 = scalar_var<"input1">;
  using X2 = scalar_var<"input2">;
  using Y = scalar_var<"target">;
  return evaluate(margin_ranking_loss_expr, call.checked(opt.reduction), call.same_shape(X1{}, input1, "input1"),
                  call.same_shape(X2{}, input2, "input2"), call.same_shape(Y{}, target, "target"),
                  param<"margin"> = opt.margin, call.template bind_output<X1, X2, Y>(static_cast<Out&&>(outs))...);
}

}  // namespace xloss::nn
