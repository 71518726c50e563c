// MultiMarginLoss (pytorch_losses.md appendix A), rows = samples, y = class:
//   l = (1/C)·Σ_{j≠y} w[y]·relu(margin − x[y] + x_j)^p,   p ∈ {1, 2}
// relu: the gradient is 0 at z = 0 (PyTorch's kernel tests z > 0 strictly).
// The adjoint of the gather x[y] lands on column y (the engine's rule for
// gathers at a label); w[y] is looked up per sample by the wrapper.
//
//   double L = xloss::nn::multi_margin_loss(X, y, {.p = 2, .margin = 0.5}, xloss::nn::grad<"input"> = G);
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include <xloss/nn/functional.hpp>

namespace xloss::nn {

namespace multi_margin {
using namespace xloss::literals;
inline constexpr auto input = row<"input">;
inline constexpr auto target = label<"target">;
inline constexpr auto sample_weight = scalar<"sample_weight">;  // w[y]
inline constexpr auto margin = param<"margin">;

template <int P, bool Weighted>
constexpr auto loss() {
  auto l = sum(select(j != target, pow(relu(margin - input[target] + input), constant<P>{}), 0_c)) / extent_of();
  if constexpr (Weighted) return sample_weight * l;
  else return l;
}
}  // namespace multi_margin

template <class T>
struct multi_margin_loss_options {
  int p = 1;  // 1 or 2
  double margin = 1.0;
  std::optional<Eigen::Matrix<T, Eigen::Dynamic, 1>> weight{};  // one per class
  xloss::reduction reduction = xloss::reduction::mean;
};

template <class I, class Y, class... Outs>
auto multi_margin_loss(const I& input, const Y& target, const multi_margin_loss_options<typename I::Scalar>& o = {},
                       Outs&&... outs) {
  using namespace multi_margin;
  using T = typename I::Scalar;
  const std::ptrdiff_t n = input.rows(), classes = input.cols();
  const std::string_view who = "xloss: multi_margin_loss: ";
  if (o.p != 1 && o.p != 2) throw std::invalid_argument(std::string(who) + "'p' must be 1 or 2, got " + std::to_string(o.p));
  if (o.weight && o.weight->size() != classes)  // PyTorch 1.13 reads out of bounds here
    throw std::invalid_argument(std::string(who) + "'weight' has " + std::to_string(o.weight->size()) + " entries for " +
                                std::to_string(classes) + " classes");
  if (target.size() != n)
    throw std::invalid_argument(std::string(who) + "'target' has " + std::to_string(target.size()) + " entries for " +
                                std::to_string(n) + " samples of 'input'");
  struct weight_tag;
  auto weight = detail::scratch<weight_tag, T>(o.weight ? n : 0);
  for (std::ptrdiff_t i = 0; i < n; ++i) {
    auto y = static_cast<std::int64_t>(target(i));
    if (y < 0 || y >= classes)
      throw std::invalid_argument(std::string(who) + "'target' is " + std::to_string(y) + " at sample " + std::to_string(i) +
                                  ", outside [0, " + std::to_string(classes) + ")");
    if (o.weight) weight(i) = (*o.weight)(y);
  }
  auto run = [&]<int P>() {
    auto common = [&](auto loss, auto... extra) {
      return evaluate(loss, o.reduction, multi_margin::input = input, multi_margin::target = target, margin = o.margin,
                      extra..., forward_output<row_var<"input">>(outs)...);
    };
    if (o.weight) return common(loss<P, true>(), sample_weight = weight);
    return common(loss<P, false>());
  };
  return o.p == 1 ? run.template operator()<1>() : run.template operator()<2>();
}

}  // namespace xloss::nn
