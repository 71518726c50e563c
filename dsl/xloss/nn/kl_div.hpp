// KLDivLoss / F.kl_div, input = log-probabilities:
//   log_target = false:  xlogy(target, target) − target·input
//   log_target = true:   exp(target)·(target − input)
// xlogy(t, t) is 0 at t = 0 (select), so its target gradient there is the
// derivative of that branch, −input (PyTorch: NaN). Both arguments are
// differentiable. Reductions: none, mean (÷ numel), sum and batchmean
// (÷ rows; ÷ numel for a vector, which is one 1-D batch):
//   xloss::nn::kl_div(x, t, {.reduction = xloss::nn::batchmean}, xloss::nn::grad<"input"> = g);
#pragma once

#include <xloss/nn/elementwise.hpp>

namespace xloss::nn {

inline constexpr auto kl_div_expr = [] {
  using namespace xloss::literals;
  constexpr auto t = scalar<"target">;
  return select(t == 0_c, 0_c, t * log(t)) - t * scalar<"input">;
}();
inline constexpr auto kl_div_log_target_expr = exp(scalar<"target">) * (scalar<"target"> - scalar<"input">);

// batchmean is KLDiv's own reduction: it converts to kl_div_reduction only,
// so other losses reject it at compile time.
struct batchmean_t {};
inline constexpr batchmean_t batchmean{};

struct kl_div_reduction {
  constexpr kl_div_reduction(xloss::reduction r) : base(r) {}  // NOLINT: implicit on purpose
  constexpr kl_div_reduction(batchmean_t) : base(xloss::reduction::sum), per_batch(true) {}  // NOLINT
  xloss::reduction base;
  bool per_batch = false;
};

struct kl_div_options {
  kl_div_reduction reduction = xloss::reduction::mean;
  bool log_target = false;
};

template <class Input, class Target, class... Out>
auto kl_div(const Input& input, const Target& target, const kl_div_options& opt = {}, Out&&... outs) {
  auto call = detail::call_for(input);
  using V = scalar_var<"input">;
  using W = scalar_var<"target">;
  const double batch = Input::IsVectorAtCompileTime ? static_cast<double>(call.numel()) : static_cast<double>(call.rows());
  auto run = [&](auto loss, auto... divisor) {
    return evaluate(loss, call.checked(opt.reduction.base), call.same_shape(V{}, input, "input"),
                    call.same_shape(W{}, target, "target"), divisor...,
                    call.template bind_output<V, W>(static_cast<Out&&>(outs))...);
  };
  if (opt.log_target)
    return opt.reduction.per_batch ? run(kl_div_log_target_expr, divide_by(batch)) : run(kl_div_log_target_expr);
  return opt.reduction.per_batch ? run(kl_div_expr, divide_by(batch)) : run(kl_div_expr);
}

}  // namespace xloss::nn
