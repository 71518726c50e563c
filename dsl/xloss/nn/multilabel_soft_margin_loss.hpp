// MultiLabelSoftMarginLoss (pytorch_losses.md appendix A), rows = samples:
//   l = −(1/C)·Σ_c w_c·(t_c·log_sigmoid(x_c) + (1 − t_c)·log_sigmoid(−x_c))
// 'mean' divides by N. The target is differentiable (grad<"target">).
//
//   float L = xloss::nn::multilabel_soft_margin_loss(X, Tgt, {.weight = w}, xloss::nn::grad<"input"> = G);
#pragma once

#include <optional>
#include <stdexcept>
#include <string>

#include <xloss/nn/functional.hpp>

namespace xloss::nn {

namespace multilabel_soft_margin {
using namespace xloss::literals;
inline constexpr auto input = row<"input">;
inline constexpr auto target = row<"target">;
inline constexpr auto weight = row<"weight">;  // class weights, repeated per sample (stride 0)
// C, the row length, bound by the wrapper (extent_of() would give the same).
inline constexpr auto n_classes = param<"classes">;

template <bool Weighted>
constexpr auto loss() {
  auto l = -(target * log_sigmoid(input) + (1_c - target) * log_sigmoid(-input));
  if constexpr (Weighted) return sum(l * weight) / n_classes;
  else return sum(l) / n_classes;
}
}  // namespace multilabel_soft_margin

template <class T>
struct multilabel_soft_margin_loss_options {
  std::optional<Eigen::Matrix<T, Eigen::Dynamic, 1>> weight{};  // one per class
  xloss::reduction reduction = xloss::reduction::mean;
};

template <class I, class Y, class... Outs>
auto multilabel_soft_margin_loss(const I& input, const Y& target,
                                 const multilabel_soft_margin_loss_options<typename I::Scalar>& o = {}, Outs&&... outs) {
  using namespace multilabel_soft_margin;
  using T = typename I::Scalar;
  using Row = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  if (o.weight && o.weight->size() != input.cols())
    throw std::invalid_argument("xloss: multilabel_soft_margin_loss: 'weight' has " +
                                std::to_string(o.weight->size()) + " entries for " + std::to_string(input.cols()) +
                                " classes");
  auto common = [&](auto loss, auto... weight_binding) {
    return evaluate(loss, o.reduction, multilabel_soft_margin::input = input, multilabel_soft_margin::target = target,
                    n_classes = double(input.cols()), weight_binding...,
                    forward_output<row_var<"input">, row_var<"target">>(outs)...);
  };
  if (!o.weight) return common(loss<false>());
  Eigen::Map<const Row, 0, Eigen::Stride<Eigen::Dynamic, 1>> rows(o.weight->data(), input.rows(), input.cols(),
                                                                  Eigen::Stride<Eigen::Dynamic, 1>(0, 1));
  return common(loss<true>(), weight = rows);
}

}  // namespace xloss::nn
