// HingeEmbeddingLoss / F.hinge_embedding_loss, PyTorch's exact form:
//   [target ≠ 1]·clamp_min(margin − input, 0) + [target ≠ −1]·input,
// so target 1 gives input, −1 the hinge, and any other value both terms.
// The gradient flows at the kink input = margin (clamp_min). Only the input
// is differentiable; the target may broadcast.
#pragma once

#include <xloss/nn/elementwise.hpp>

namespace xloss::nn {

inline constexpr auto hinge_embedding_loss_expr = [] {
  using namespace xloss::literals;
  constexpr auto x = scalar<"input">;
  constexpr auto y = scalar<"target">;
  return select(y != 1_c, clamp_min(param<"margin"> - x, 0_c), 0_c) + select(y != -1_c, x, 0_c);
}();

template <class T = double>
struct hinge_embedding_loss_options {
  xloss::reduction reduction = xloss::reduction::mean;
  T margin = 1;
};

template <class Input, class Target, class... Out>
auto hinge_embedding_loss(const Input& input, const Target& target,
                          const hinge_embedding_loss_options<typename Input::Scalar>& opt = {}, Out&&... outs) {
  auto call = detail::call_for(input);
  using V = scalar_var<"input">;
  return evaluate(hinge_embedding_loss_expr, call.checked(opt.reduction), call.same_shape(V{}, input, "input"),
                  call.broadcast(scalar<"target">, target, "target"), param<"margin"> = opt.margin,
                  call.template bind_output<V>(static_cast<Out&&>(outs))...);
}

}  // namespace xloss::nn
