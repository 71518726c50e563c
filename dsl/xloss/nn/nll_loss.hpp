// NLLLoss (pytorch_losses.md appendix A): l = −w[y]·input[y] on log-probabilities,
// 0 for samples whose target is ignore_index; 'mean' divides the sum by
// Σ w[y] over the samples not ignored (NaN when that is 0, as PyTorch).
//
//   float L = xloss::nn::nll_loss(logp, y, {.weight = w, .ignore_index = 0},
//                                 xloss::nn::grad<"input"> = G);
// Rows are samples (N×C); targets are N integers. K-dimensional inputs
// (N, C, d…) are the caller's to flatten into rows.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include <xloss/nn/functional.hpp>

namespace xloss::nn {

namespace nll {
using namespace xloss::literals;
inline constexpr auto input = row<"input">;
inline constexpr auto target = label<"target">;
// w[y] for each sample, 0 where the target is ignored (made by the wrapper,
// which also maps ignored targets to class 0 so that every label is a class).
inline constexpr auto sample_weight = scalar<"sample_weight">;

// A gather: one element read per sample, its gradient lands on column y.
inline constexpr auto loss = select(sample_weight != 0_c, -(sample_weight * input[target]), 0_c);
}  // namespace nll

template <class T>
struct nll_loss_options {
  std::optional<Eigen::Matrix<T, Eigen::Dynamic, 1>> weight{};  // one per class
  std::int64_t ignore_index = -100;
  xloss::reduction reduction = xloss::reduction::mean;
};

namespace detail {
// Class-index targets after PyTorch's checks: labels safe to gather (ignored
// ones → 0), each sample's weight (0 if ignored) and the 'mean' denominator.
// They live in per-thread scratch (functional.hpp): valid until the next
// class_targets on this thread.
template <class T>
struct class_targets {
  template <class U> using column = Eigen::Map<Eigen::Matrix<U, Eigen::Dynamic, 1>>;
  struct labels_tag;
  struct weight_tag;
  struct keep_tag;
  column<std::int64_t> labels;
  column<T> weight, keep;  // keep: 1, or 0 if ignored
  double weight_sum = 0;

  template <class Y>
  class_targets(const char* loss, const Y& target, std::ptrdiff_t n, std::ptrdiff_t classes,
                const std::optional<Eigen::Matrix<T, Eigen::Dynamic, 1>>& class_weight, std::int64_t ignore_index)
      : labels(scratch<labels_tag, std::int64_t>(n)), weight(scratch<weight_tag, T>(n)), keep(scratch<keep_tag, T>(n)) {
    const auto who = [loss] { return std::string("xloss: ") + loss + ": "; };
    if (target.size() != n)
      throw std::invalid_argument(who() + "'target' has " + std::to_string(target.size()) + " entries for " +
                                  std::to_string(n) + " samples of 'input'");
    if (class_weight && class_weight->size() != classes)
      throw std::invalid_argument(who() + "'weight' has " + std::to_string(class_weight->size()) +
                                  " entries for " + std::to_string(classes) + " classes");
    for (std::ptrdiff_t i = 0; i < n; ++i) {
      auto y = static_cast<std::int64_t>(target(i));
      bool ignored = y == ignore_index;
      if (!ignored && (y < 0 || y >= classes))
        throw std::invalid_argument(who() + "'target' is " + std::to_string(y) + " at sample " + std::to_string(i) +
                                    ", outside [0, " + std::to_string(classes) + ") and not ignore_index (" +
                                    std::to_string(ignore_index) + ")");
      labels(i) = ignored ? 0 : y;
      keep(i) = ignored ? T(0) : T(1);
      weight(i) = ignored ? T(0) : class_weight ? (*class_weight)(y) : T(1);
      weight_sum += static_cast<double>(weight(i));
    }
  }

  // How PyTorch divides a class-index loss: by Σ w[y] for 'mean'.
  auto divisor(xloss::reduction r) const {
    return divide_by(r == xloss::reduction::mean ? weight_sum : 1.0);
  }
  static xloss::reduction engine_reduction(xloss::reduction r) {
    return r == xloss::reduction::none ? r : xloss::reduction::sum;
  }
};
}  // namespace detail

template <class I, class Y, class... Outs>
auto nll_loss(const I& input, const Y& target, const nll_loss_options<typename I::Scalar>& o = {}, Outs&&... outs) {
  using T = typename I::Scalar;
  detail::class_targets<T> t("nll_loss", target, input.rows(), input.cols(), o.weight, o.ignore_index);
  auto run = [&](auto... divisor) {
    return evaluate(nll::loss, t.engine_reduction(o.reduction), nll::input = input, nll::target = t.labels,
                    nll::sample_weight = t.weight, divisor..., forward_output<row_var<"input">>(outs)...);
  };
  return o.reduction == xloss::reduction::none ? run() : run(t.divisor(o.reduction));
}

}  // namespace xloss::nn
