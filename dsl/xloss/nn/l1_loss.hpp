// L1Loss / F.l1_loss: |input − target|, reduced. ∂input = sign(input − target)
// (0 where they are equal, as PyTorch), ∂target = −∂input.
#pragma once

#include <xloss/nn/elementwise.hpp>

namespace xloss::nn {

inline constexpr auto l1_loss_expr = abs(scalar<"input"> - scalar<"target">);

struct l1_loss_options {
  xloss::reduction reduction = xloss::reduction::mean;
};

template <class Input, class Target, class... Out>
auto l1_loss(const Input& input, const Target& target, const l1_loss_options& opt = {}, Out&&... outs) {
  auto call = detail::call_for(input);
  using V = scalar_var<"input">;
  using W = scalar_var<"target">;
  return evaluate(l1_loss_expr, call.checked(opt.reduction), call.same_shape(V{}, input, "input"),
                  call.same_shape(W{}, target, "target"), call.template bind_output<V, W>(static_cast<Out&&>(outs))...);
}

}  // namespace xloss::nn
