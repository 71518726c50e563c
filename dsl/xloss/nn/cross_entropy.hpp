// CrossEntropyLoss (pytorch_losses.md appendix A), on logits x (rows = samples):
//   class indices:  l = (1 − ε)·w[y]·(lse − x[y]) + (ε/C)·Σ_c w_c·(lse − x_c),
//                   lse = logsumexp(x); 0 for ignored samples; 'mean' divides
//                   by Σ w[y] over the samples not ignored;
//   probabilities:  l = −Σ_c w_c·t'_c·(x_c − lse),  t' = (1 − ε)·t + ε/C; 'mean' divides by N.
// ε = label_smoothing, w = weight (1 when absent).
//
//   float L = xloss::nn::cross_entropy(X, y, {.label_smoothing = 0.1f}, xloss::nn::grad<"input"> = G);
// An integer target vector gives class indices, a real N×C target probabilities
// (differentiable: grad<"target">).
#pragma once

#include <string>
#include <tuple>
#include <type_traits>

#include <xloss/nn/nll_loss.hpp>

namespace xloss::nn {

namespace cross_entropy_terms {
using namespace xloss::literals;
inline constexpr auto input = row<"input">;
inline constexpr auto label = xloss::label<"target">;
inline constexpr auto probability = row<"target">;
// Class weights as a row repeated for every sample (stride 0, no copy).
inline constexpr auto weight = row<"weight">;
inline constexpr auto sample_weight = nll::sample_weight;  // w[y], 0 if ignored
inline constexpr auto keep = scalar<"keep">;                 // 0 if ignored, else 1
inline constexpr auto smoothing = param<"label_smoothing">;
// C, the row length, bound by the wrapper (extent_of() would give the same).
inline constexpr auto n_classes = param<"classes">;

inline constexpr auto lse = logsumexp(input);
inline constexpr auto nll = lse - input[label];

template <bool Weighted>
constexpr auto class_weight() {
  if constexpr (Weighted) return weight;
  else return 1_c;
}
// Σ_c w_c
template <bool Weighted>
constexpr auto weight_sum() {
  if constexpr (Weighted) return sum(weight);
  else return n_classes;
}
// Class indices; with Smoothing the uniform part Σ_c w_c·(lse − x_c) is added,
// written lse·Σ w − Σ w·x (the engine does not yet take lse out of the sum
// in the derivative: /work/notes/engine-bugs-rows.md, 4).
template <bool Weighted, bool Smoothing>
constexpr auto index_loss() {
  if constexpr (!Smoothing)
    return select(sample_weight != 0_c, sample_weight * nll, 0_c);
  else
    return select(keep != 0_c,
                  (1_c - smoothing) * (sample_weight * nll) +
                      smoothing / n_classes * (lse * weight_sum<Weighted>() - sum(class_weight<Weighted>() * input)),
                  0_c);
}
// −Σ_c w_c·t'_c·(x_c − lse) = (1 − ε)·(lse·Σ w·t − Σ w·t·x) + (ε/C)·(lse·Σ w − Σ w·x), written
// so that lse and 1/C stay outside the sums (engine-bugs-rows.md, 2 and 4).
template <bool Weighted>
constexpr auto probability_loss() {
  auto w = class_weight<Weighted>();
  return (1_c - smoothing) * (lse * sum(w * probability) - sum(w * probability * input)) +
         smoothing / n_classes * (lse * weight_sum<Weighted>() - sum(w * input));
}
}  // namespace cross_entropy_terms

template <class T>
struct cross_entropy_options {
  std::optional<Eigen::Matrix<T, Eigen::Dynamic, 1>> weight{};  // one per class
  std::int64_t ignore_index = -100;                              // class-index targets only
  double label_smoothing = 0.0;                                  // in [0, 1]
  xloss::reduction reduction = xloss::reduction::mean;
};

template <class I, class Y, class... Outs>
auto cross_entropy(const I& input, const Y& target, const cross_entropy_options<typename I::Scalar>& o = {},
                   Outs&&... outs) {
  using namespace cross_entropy_terms;
  using T = typename I::Scalar;
  using Row = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const std::ptrdiff_t n = input.rows(), classes = input.cols();
  // PyTorch ≥ 1.10 rejects ε outside [0, 1] (1.13 silently took ε < 0 as 0).
  if (!(o.label_smoothing >= 0 && o.label_smoothing <= 1))
    throw std::invalid_argument("xloss: cross_entropy: 'label_smoothing' must be in [0, 1], got " +
                                std::to_string(o.label_smoothing));
  if (o.weight && o.weight->size() != classes)
    throw std::invalid_argument("xloss: cross_entropy: 'weight' has " + std::to_string(o.weight->size()) +
                                " entries for " + std::to_string(classes) + " classes");
  Eigen::Map<const Row, 0, Eigen::Stride<Eigen::Dynamic, 1>> weight_rows(
      o.weight ? o.weight->data() : nullptr, n, classes, Eigen::Stride<Eigen::Dynamic, 1>(0, 1));
  auto grads = [&]<class... V>(V...) { return std::tuple{forward_output<V...>(outs)...}; };

  if constexpr (std::is_integral_v<typename Y::Scalar>) {
    detail::class_targets<T> t("cross_entropy", target, n, classes, o.weight, o.ignore_index);
    auto run = [&]<bool Weighted, bool Smoothing>(auto... extra) {
      auto r = t.engine_reduction(o.reduction);
      return std::apply(
          [&](auto... g) {
            if constexpr (!Smoothing)
              return evaluate(index_loss<false, false>(), r, cross_entropy_terms::input = input, label = t.labels,
                              sample_weight = t.weight, extra..., g...);
            else if constexpr (Weighted)
              return evaluate(index_loss<true, true>(), r, cross_entropy_terms::input = input, label = t.labels,
                              sample_weight = t.weight, keep = t.keep, weight = weight_rows,
                              smoothing = o.label_smoothing, n_classes = double(classes), extra..., g...);
            else
              return evaluate(index_loss<false, true>(), r, cross_entropy_terms::input = input, label = t.labels,
                              sample_weight = t.weight, keep = t.keep, smoothing = o.label_smoothing,
                              n_classes = double(classes), extra..., g...);
          },
          grads(cross_entropy_terms::input));
    };
    auto by_divisor = [&]<bool Weighted, bool Smoothing>() {
      if (o.reduction == xloss::reduction::none) return run.template operator()<Weighted, Smoothing>();
      return run.template operator()<Weighted, Smoothing>(t.divisor(o.reduction));
    };
    if (o.label_smoothing == 0) return by_divisor.template operator()<false, false>();
    return o.weight ? by_divisor.template operator()<true, true>() : by_divisor.template operator()<false, true>();
  } else {
    if (target.rows() != n || target.cols() != classes)
      throw std::invalid_argument("xloss: cross_entropy: probability 'target' is " + std::to_string(target.rows()) +
                                  "x" + std::to_string(target.cols()) + ", 'input' is " + std::to_string(n) + "x" +
                                  std::to_string(classes));
    auto run = [&](auto loss, auto... weight_binding) {
      return std::apply(
          [&](auto... g) {
            return evaluate(loss, o.reduction, cross_entropy_terms::input = input, probability = target,
                            smoothing = o.label_smoothing, n_classes = double(classes), weight_binding..., g...);
          },
          grads(cross_entropy_terms::input, probability));
    };
    return o.weight ? run(probability_loss<true>(), weight = weight_rows) : run(probability_loss<false>());
  }
}

}  // namespace xloss::nn
