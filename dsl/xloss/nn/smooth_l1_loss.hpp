// SmoothL1Loss / F.smooth_l1_loss: with d = input − target,
//   ½d²/beta     where |d| < beta,
//   |d| − ½beta  elsewhere.
// beta = 0 is L1 (the first branch is never taken), with gradient sign(d),
// 0 at d = 0 (PyTorch 1.13 gives −1 there: docs/catalogue-elementwise.md).
#pragma once

#include <xloss/nn/elementwise.hpp>

namespace xloss::nn {

inline constexpr auto smooth_l1_loss_expr = [] {
  using namespace xloss::literals;
  constexpr auto d = scalar<"input"> - scalar<"target">;
  constexpr auto beta = param<"beta">;
  return select(abs(d) < beta, 0.5_c * d * d / beta, abs(d) - 0.5_c * beta);
}();

template <class T = double>
struct smooth_l1_loss_options {
  xloss::reduction reduction = xloss::reduction::mean;
  T beta = 1;
};

template <class Input, class Target, class... Out>
auto smooth_l1_loss(const Input& input, const Target& target,
                    const smooth_l1_loss_options<typename Input::Scalar>& opt = {}, Out&&... outs) {
  if (!(opt.beta >= 0))
    detail::bad_argument("beta", "must not be negative (smooth_l1_loss), got " + std::to_string(opt.beta));
  auto call = detail::call_for(input);
  using V = scalar_var<"input">;
  using W = scalar_var<"target">;
  return evaluate(smooth_l1_loss_expr, call.checked(opt.reduction), call.same_shape(V{}, input, "input"),
                  call.same_shape(W{}, target, "target"), param<"beta"> = opt.beta,
                  call.template bind_output<V, W>(static_cast<Out&&>(outs))...);
}

}  // namespace xloss::nn
