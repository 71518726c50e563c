// SoftMarginLoss / F.soft_margin_loss: log(1 + exp(−target·input)), computed
// as softplus(−target·input), which never overflows (PyTorch's literal form
// gives inf and a NaN gradient for −target·input > ~709 in double).
// Only the input is differentiable (PyTorch rejects a target gradient); the
// target may broadcast (e.g. a 1 x C row against an N x C input).
#pragma once

#include <xloss/nn/elementwise.hpp>

namespace xloss::nn {

inline constexpr auto soft_margin_loss_expr = softplus(-(scalar<"target"> * scalar<"input">));

struct soft_margin_loss_options {
  xloss::reduction reduction = xloss::reduction::mean;
};

template <class Input, class Target, class... Out>
auto soft_margin_loss(const Input& input, const Target& target, const soft_margin_loss_options& opt = {},
                      Out&&... outs) {
  auto call = detail::call_for(input);
  using V = scalar_var<"input">;
  return evaluate(soft_margin_loss_expr, call.checked(opt.reduction), call.same_shape(V{}, input, "input"),
                  call.broadcast(scalar<"target">, target, "target"),
                  call.template bind_output<V>(static_cast<Out&&>(outs))...);
}

}  // namespace xloss::nn
