// MSELoss / F.mse_loss: (input − target)², reduced. Both arguments are
// differentiable: ∂input = 2(input − target), ∂target = −2(input − target).
//
//   float L = xloss::nn::mse_loss(x, y, {.reduction = xloss::reduction::sum}, xloss::nn::grad<"input"> = gx);
#pragma once

#include <xloss/nn/elementwise.hpp>

namespace xloss::nn {

inline constexpr auto mse_loss_expr = square(scalar<"input"> - scalar<"target">);

struct mse_loss_options {
  xloss::reduction reduction = xloss::reduction::mean;
};

template <class Input, class Target, class... Out>
auto mse_loss(const Input& input, const Target& target, const mse_loss_options& opt = {}, Out&&... outs) {
  auto call = detail::call_for(input);
  using V = scalar_var<"input">;
  using W = scalar_var<"target">;
  return evaluate(mse_loss_expr, call.checked(opt.reduction), call.same_shape(V{}, input, "input"),
                  call.same_shape(W{}, target, "target"), call.template bind_output<V, W>(static_cast<Out&&>(outs))...);
}

}  // namespace xloss::nn
