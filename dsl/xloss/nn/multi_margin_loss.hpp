// MultiMarginLoss (pytorch_losses.md appendix A), rows = samples, y = class:
//   l = (1/C)·Σ_{j≠y} w[y]·relu(margin − x[y] + x_j)^p,   p ∈ {1, 2}
// relu: the gradient is 0 at z = 0 (PyTorch's kernel tests z > 0 strictly).
//
//   double L = xloss::nn::multi_margin_loss(X, y, {.p = 2, .margin = 0.5}, xloss::nn::grad<"input"> = G);
//
// x[y] enters as its own per-sample variable `target_score`, whose gradient
// the wrapper adds to column y: written as input[target], the derivative of
// the sum is not yet collapsed by the engine (/work/notes/engine-bugs-rows.md, 3).
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>

#include <xloss/nn/functional.hpp>

namespace xloss::nn {

namespace multi_margin {
using namespace xloss::literals;
inline constexpr auto input = row<"input">;
inline constexpr auto target = label<"target">;
inline constexpr auto target_score = scalar<"target_score">;    // x[y]
inline constexpr auto sample_weight = scalar<"sample_weight">;  // w[y]
inline constexpr auto margin = param<"margin">;
// C, the row length, as a parameter: extent_of() does not compile in the
// fused kernel yet (/work/notes/engine-bugs-rows.md, 2).
inline constexpr auto n_classes = param<"classes">;

template <int P, bool Weighted>
constexpr auto loss() {
  auto l = sum(select(j != target, pow(relu(margin - target_score + input), constant<P>{}), 0_c)) / n_classes;
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

namespace detail {
template <class O> inline constexpr bool is_named_grad_v = false;
template <fixed_string Name, class S> inline constexpr bool is_named_grad_v<named_grad<Name, S>> = true;

// Adds the per-sample gradient of x[label] to column label of every grad<Name>
// among the outputs (already written by the engine: same shape, no resize).
template <fixed_string Name, class L, class G, class... Outs>
void add_at_labels(std::ptrdiff_t n, std::ptrdiff_t cols, const L& label, const G& g, const Outs&... outs) {
  auto add = [&]<class O>(const O& o) {
    if constexpr (is_named_grad_v<O>) {
      auto v = o.out.fitted(n, cols, "grad<\"" + std::string(Name.view()) + "\">");
      for (std::ptrdiff_t i = 0; i < n; ++i) v(i, static_cast<std::ptrdiff_t>(label(i))) += g(i);
    }
  };
  (add(outs), ...);
}
}  // namespace detail

template <class I, class Y, class... Outs>
auto multi_margin_loss(const I& input, const Y& target, multi_margin_loss_options<typename I::Scalar> o = {},
                       Outs&&... outs) {
  using namespace multi_margin;
  using T = typename I::Scalar;
  using Vec = Eigen::Matrix<T, Eigen::Dynamic, 1>;
  const std::ptrdiff_t n = input.rows(), classes = input.cols();
  const std::string who = "xloss: multi_margin_loss: ";
  if (o.p != 1 && o.p != 2) throw std::invalid_argument(who + "'p' must be 1 or 2, got " + std::to_string(o.p));
  if (o.weight && o.weight->size() != classes)  // PyTorch 1.13 reads out of bounds here
    throw std::invalid_argument(who + "'weight' has " + std::to_string(o.weight->size()) + " entries for " +
                                std::to_string(classes) + " classes");
  if (target.size() != n)
    throw std::invalid_argument(who + "'target' has " + std::to_string(target.size()) + " entries for " +
                                std::to_string(n) + " samples of 'input'");
  Vec score(n), weight(n);
  for (std::ptrdiff_t i = 0; i < n; ++i) {
    auto y = static_cast<std::int64_t>(target(i));
    if (y < 0 || y >= classes)
      throw std::invalid_argument(who + "'target' is " + std::to_string(y) + " at sample " + std::to_string(i) +
                                  ", outside [0, " + std::to_string(classes) + ")");
    score(i) = input(i, static_cast<std::ptrdiff_t>(y));
    weight(i) = o.weight ? (*o.weight)(y) : T(1);
  }
  constexpr bool wants_grad = (detail::is_named_grad_v<std::remove_cvref_t<Outs>> || ...);
  Vec score_grad;
  auto run = [&]<int P>() {
    auto common = [&](auto loss, auto... extra) {
      auto bindings = [&](auto... g) {
        return evaluate(loss, o.reduction, multi_margin::input = input, multi_margin::target = target,
                        target_score = score, margin = o.margin, n_classes = double(classes), extra..., g...,
                        forward_output<row_var<"input">>(outs)...);
      };
      if constexpr (wants_grad) return bindings(xloss::grad(target_score) = score_grad);
      else return bindings();
    };
    if (o.weight) return common(loss<P, true>(), sample_weight = weight);
    return common(loss<P, false>());
  };
  T value = o.p == 1 ? run.template operator()<1>() : run.template operator()<2>();
  if constexpr (wants_grad) detail::add_at_labels<"input">(n, classes, target, score_grad, outs...);
  return value;
}

}  // namespace xloss::nn
