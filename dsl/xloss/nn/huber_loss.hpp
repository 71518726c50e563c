// HuberLoss / F.huber_loss: with d = input − target,
//   ½d²               where |d| < delta,
//   delta(|d| − ½delta) elsewhere.
// ∂input = d inside, delta·sign(d) outside; both branches agree at |d| = delta.
#pragma once

#include <xloss/nn/elementwise.hpp>

namespace xloss::nn {

inline constexpr auto huber_loss_expr = [] {
  using namespace xloss::literals;
  constexpr auto d = scalar<"input"> - scalar<"target">;
  constexpr auto delta = param<"delta">;
  return select(abs(d) < delta, 0.5_c * d * d, delta * (abs(d) - 0.5_c * delta));
}();

template <class T = double>
struct huber_loss_options {
  xloss::reduction reduction = xloss::reduction::mean;
  T delta = 1;
};

template <class Input, class Target, class... Out>
auto huber_loss(const Input& input, const Target& target,
                const huber_loss_options<typename Input::Scalar>& opt = {}, Out&&... outs) {
  if (!(opt.delta > 0)) detail::bad_argument("delta", "must be positive (huber_loss), got " + std::to_string(opt.delta));
  auto call = detail::call_for(input);
  using V = scalar_var<"input">;
  using W = scalar_var<"target">;
  return evaluate(huber_loss_expr, call.checked(opt.reduction), call.same_shape(V{}, input, "input"),
                  call.same_shape(W{}, target, "target"), param<"delta"> = opt.delta,
                  call.template bind_output<V, W>(static_cast<Out&&>(outs))...);
}

}  // namespace xloss::nn
