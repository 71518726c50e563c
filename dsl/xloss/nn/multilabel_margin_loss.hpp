// MultiLabelMarginLoss (pytorch_losses.md §7), rows = samples:
//   l = (1/C)·Σ_{j∈J} Σ_{k∉J} relu(1 − x[j] + x[k])
// J: the target row's prefix before the first −1 (duplicates count once per
// occurrence); relu: gradient 0 at z = 0 (PyTorch's strict z > 0).
//
// In the DSL the target row is a label list Y (its entries up to the first
// −1), the outer sum runs over its entries and the inner one over the row:
//   sum(entry, sum(k, not_target[k] · relu(1 − x[Y] + x[k]))) / C
// The engine runs the inner sum as a loop nested in the loop over the list,
// and the adjoint of the gather x[Y] as a scatter onto the target columns:
// one pass for the value, one for the gradient, O(|J|·C) per sample.
// not_target (1 where k ∉ J) is built by the wrapper while it checks the
// targets, in a per-thread buffer reused across calls (grown when needed, so
// repeated calls do not fault in fresh pages).
//
//   float L = xloss::nn::multilabel_margin_loss(X, Y, {}, xloss::nn::grad<"input"> = G);
// Y: N×C 32- or 64-bit integers (any layout), −1 terminated lists.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include <xloss/nn/functional.hpp>

namespace xloss::nn {

namespace multilabel_margin {
using namespace xloss::literals;
inline constexpr auto input = row<"input">;
inline constexpr auto target = labels<"target">;
inline constexpr auto not_target = row<"not_target">;  // 1 where k ∉ J, else 0
inline constexpr auto loss = sum(entry, sum(k, not_target[k] * relu(1_c - input[target] + input[k]))) / extent_of();
}  // namespace multilabel_margin

struct multilabel_margin_loss_options {
  xloss::reduction reduction = xloss::reduction::mean;
};

namespace detail {
// The not-target mask, after checking the targets as PyTorch does (every
// entry, even after the −1, is in [−1, C)).
template <class T, class Y>
Eigen::Map<Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> not_target_mask(const Y& target,
                                                                                              std::ptrdiff_t n,
                                                                                              std::ptrdiff_t classes) {
  const std::string_view who = "xloss: multilabel_margin_loss: ";
  if (target.rows() != n || target.cols() != classes)
    throw std::invalid_argument(std::string(who) + "'target' is " + std::to_string(target.rows()) + "x" +
                                std::to_string(target.cols()) + ", 'input' is " + std::to_string(n) + "x" +
                                std::to_string(classes));
  // Every entry in [−1, C): one vectorisable min/max per row; the offending
  // entry is looked for only when a row fails.
  for (std::ptrdiff_t i = 0; i < n && classes > 0; ++i) {
    const auto row = target.row(i);
    if (row.minCoeff() >= -1 && row.maxCoeff() < classes) continue;
    for (std::ptrdiff_t c = 0; c < classes; ++c) {
      auto y = static_cast<std::int64_t>(row(c));
      if (y < -1 || y >= classes)
        throw std::invalid_argument(std::string(who) + "'target' is " + std::to_string(y) + " at (" + std::to_string(i) + ", " +
                                    std::to_string(c) + "), outside [-1, " + std::to_string(classes) + ")");
    }
  }
  struct mask_tag;
  Eigen::Map<Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> mask(
      scratch<mask_tag, T>(n * classes).data(), n, classes);
  for (std::ptrdiff_t i = 0; i < n; ++i) {
    mask.row(i).setOnes();
    for (std::ptrdiff_t c = 0; c < classes && target(i, c) != -1; ++c) mask(i, static_cast<std::ptrdiff_t>(target(i, c))) = T(0);
  }
  return mask;
}
}  // namespace detail

template <class I, class Y, class... Outs>
auto multilabel_margin_loss(const I& input, const Y& target, multilabel_margin_loss_options o = {}, Outs&&... outs) {
  using T = typename I::Scalar;
  const auto mask = detail::not_target_mask<T>(target, input.rows(), input.cols());
  return evaluate(multilabel_margin::loss, o.reduction, multilabel_margin::input = input,
                  multilabel_margin::target = target, multilabel_margin::not_target = mask,
                  forward_output<row_var<"input">>(outs)...);
}

}  // namespace xloss::nn
