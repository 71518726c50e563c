// BCEWithLogitsLoss / F.binary_cross_entropy_with_logits, input = logits:
//   w·((1 − target)·softplus(input) + p·target·softplus(−input)),
// p = pos_weight (1 without). Both terms are ≥ 0 for targets in [0, 1], so
// tiny losses keep their value (PyTorch's form rounds e.g. x = 40, y = 1 to 0);
// softplus(−x) is written −log_sigmoid(x) so that value and gradient share
// exp(−|x|). Input and target are differentiable; weight and pos_weight
// broadcast (pos_weight usually a 1 x C row against an N x C input: PyTorch's
// (C,) over the last dimension) and are not.
#pragma once

#include <optional>
#include <type_traits>

#include <xloss/nn/elementwise.hpp>

namespace xloss::nn {

// The loss with or without a weight and a pos_weight.
template <bool Weight, bool PosWeight>
constexpr auto binary_cross_entropy_with_logits_expr() {
  using namespace xloss::literals;
  constexpr auto x = scalar<"input">;
  constexpr auto y = scalar<"target">;
  // p·y, or y without a pos_weight (expressions are empty types: {} builds one)
  constexpr std::conditional_t<PosWeight, decltype(scalar<"pos_weight"> * y), decltype(y)> py{};
  constexpr auto l = (1_c - y) * softplus(x) - py * log_sigmoid(x);
  if constexpr (Weight) return scalar<"weight"> * l;
  else return l;
}

template <class T = double>
struct binary_cross_entropy_with_logits_options {
  using tensor = Eigen::Ref<const Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>>;
  xloss::reduction reduction = xloss::reduction::mean;
  std::optional<tensor> weight = std::nullopt;
  std::optional<tensor> pos_weight = std::nullopt;
};

template <class Input, class Target, class... Out>
auto binary_cross_entropy_with_logits(const Input& input, const Target& target,
                                      const binary_cross_entropy_with_logits_options<typename Input::Scalar>& opt = {},
                                      Out&&... outs) {
  auto call = detail::call_for(input);
  using V = scalar_var<"input">;
  using W = scalar_var<"target">;
  auto x = call.same_shape(V{}, input, "input");
  auto y = call.same_shape(W{}, target, "target");
  const reduction r = call.checked(opt.reduction);
  auto run = [&](auto loss, auto... extra) {
    return evaluate(loss, r, x, y, extra..., call.template bind_output<V, W>(static_cast<Out&&>(outs))...);
  };
  if (opt.weight && opt.pos_weight)
    return run(binary_cross_entropy_with_logits_expr<true, true>(),
               call.broadcast(scalar<"weight">, *opt.weight, "weight"),
               call.broadcast(scalar<"pos_weight">, *opt.pos_weight, "pos_weight"));
  if (opt.weight)
    return run(binary_cross_entropy_with_logits_expr<true, false>(),
               call.broadcast(scalar<"weight">, *opt.weight, "weight"));
  if (opt.pos_weight)
    return run(binary_cross_entropy_with_logits_expr<false, true>(),
               call.broadcast(scalar<"pos_weight">, *opt.pos_weight, "pos_weight"));
  return run(binary_cross_entropy_with_logits_expr<false, false>());
}

}  // namespace xloss::nn
