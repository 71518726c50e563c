// MultiLabelMarginLoss (pytorch_losses.md §7), rows = samples:
//   l = (1/C)·Σ_{j∈J} Σ_{k∉J} relu(1 − x[j] + x[k])
// J: the target row's prefix before the first −1 (duplicates count once per
// occurrence); relu: gradient 0 at z = 0 (PyTorch's strict z > 0).
//
// The engine has no label lists and no reductions nested over a second index
// (/work/notes/engine-bugs-rows.md, 5), so the double sum is written as a sum
// over *slots*: each slot is one distinct target j, given as its score x[j]
// and its number of occurrences, and its inner sum over k ∉ J is an ordinary
// row reduction. One evaluation covers 4 distinct targets per sample; rows
// with more run further evaluations whose values and gradients are added.
//
//   float L = xloss::nn::multilabel_margin_loss(X, Y, {}, xloss::nn::grad<"input"> = G);
// Y: N×C integers (any layout), −1 terminated lists.
#pragma once

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <xloss/nn/multi_margin_loss.hpp>  // detail::add_at_labels

namespace xloss::nn {

namespace multilabel_margin {
using namespace xloss::literals;
inline constexpr auto input = row<"input">;
inline constexpr auto not_target = row<"not_target">;  // 1 where k ∉ J, else 0
// C, the row length, as a parameter: extent_of() does not compile in the
// fused kernel yet (/work/notes/engine-bugs-rows.md, 2).
inline constexpr auto n_classes = param<"classes">;
inline constexpr int slots = 4;
// Per slot: x at a distinct target (any value if unused) and its number of
// occurrences in J (0 if unused). The score is its own variable, its gradient
// added to the target's column by the wrapper (engine-bugs-rows.md, 3).
inline constexpr auto score0 = scalar<"score0">;
inline constexpr auto score1 = scalar<"score1">;
inline constexpr auto score2 = scalar<"score2">;
inline constexpr auto score3 = scalar<"score3">;
inline constexpr auto count0 = scalar<"count0">;
inline constexpr auto count1 = scalar<"count1">;
inline constexpr auto count2 = scalar<"count2">;
inline constexpr auto count3 = scalar<"count3">;

constexpr auto margins(auto score) { return sum(select(not_target > 0_c, relu(1_c - score + input), 0_c)); }
inline constexpr auto loss =
    (count0 * margins(score0) + count1 * margins(score1) + count2 * margins(score2) + count3 * margins(score3)) /
    n_classes;
}  // namespace multilabel_margin

struct multilabel_margin_loss_options {
  xloss::reduction reduction = xloss::reduction::mean;
};

namespace detail {
// The targets of each sample as distinct labels with counts, and the
// not-target mask; checked as PyTorch does (every entry, even after the −1).
template <class T>
struct target_lists {
  using Row = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  std::vector<std::vector<std::pair<std::int64_t, int>>> distinct;  // per sample: (label, count)
  Row not_target;
  std::size_t most = 0;  // the largest number of distinct targets of a sample

  template <class Y>
  target_lists(const Y& target, std::ptrdiff_t n, std::ptrdiff_t classes) : distinct(n), not_target(n, classes) {
    if (target.rows() != n || target.cols() != classes)
      throw std::invalid_argument("xloss: multilabel_margin_loss: 'target' is " + std::to_string(target.rows()) +
                                  "x" + std::to_string(target.cols()) + ", 'input' is " + std::to_string(n) + "x" +
                                  std::to_string(classes));
    not_target.setOnes();
    for (std::ptrdiff_t i = 0; i < n; ++i) {
      bool listed = true;
      for (std::ptrdiff_t c = 0; c < classes; ++c) {
        auto y = static_cast<std::int64_t>(target(i, c));
        if (y < -1 || y >= classes)
          throw std::invalid_argument("xloss: multilabel_margin_loss: 'target' is " + std::to_string(y) +
                                      " at (" + std::to_string(i) + ", " + std::to_string(c) + "), outside [-1, " +
                                      std::to_string(classes) + ")");
        listed = listed && y != -1;
        if (!listed) continue;
        auto& d = distinct[i];
        auto it = std::find_if(d.begin(), d.end(), [&](const auto& e) { return e.first == y; });
        if (it == d.end()) d.emplace_back(y, 1);
        else ++it->second;
        not_target(i, y) = 0;
      }
      most = std::max(most, distinct[i].size());
    }
  }

  // Slots [first, first + slots) of every sample: target, score x[target], count.
  template <class I>
  void fill(std::size_t first, const I& input, std::vector<Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1>>& label,
            std::vector<Eigen::Matrix<T, Eigen::Dynamic, 1>>& score,
            std::vector<Eigen::Matrix<T, Eigen::Dynamic, 1>>& count) const {
    for (std::size_t s = 0; s < label.size(); ++s)
      for (std::size_t i = 0; i < distinct.size(); ++i) {
        auto r = static_cast<std::ptrdiff_t>(i);
        bool used = first + s < distinct[i].size();
        label[s](r) = used ? distinct[i][first + s].first : 0;
        score[s](r) = input(r, static_cast<std::ptrdiff_t>(label[s](r)));
        count[s](r) = used ? T(distinct[i][first + s].second) : T(0);
      }
  }
};

// loss_out = L among the outputs, written directly (for sums of several evaluations).
template <class S, class M>
void write_output(const xloss::loss_output<S>& o, const M&, const Eigen::Matrix<S, Eigen::Dynamic, 1>& losses) {
  auto v = o.out.fitted(losses.size(), 1, "loss_out");
  for (std::ptrdiff_t i = 0; i < losses.size(); ++i) v(i, 0) = losses(i);
}
template <fixed_string Name, class S, class M>
void write_output(const named_grad<Name, S>& g, const M& grad, const Eigen::Matrix<S, Eigen::Dynamic, 1>&) {
  auto v = g.out.fitted(grad.rows(), grad.cols(), "grad<\"input\">");
  for (std::ptrdiff_t r = 0; r < grad.rows(); ++r)
    for (std::ptrdiff_t c = 0; c < grad.cols(); ++c) v(r, c) = grad(r, c);
}
inline void write_output(const thread_count&, const auto&, const auto&) {}

// threads(n) among the outputs, else the default.
inline int thread_count_of() { return default_threads(); }
template <class O0, class... O>
int thread_count_of(const O0& o0, const O&... o) {
  if constexpr (std::is_same_v<O0, thread_count>) return o0.n;
  else return thread_count_of(o...);
}
}  // namespace detail

template <class I, class Y, class... Outs>
auto multilabel_margin_loss(const I& input, const Y& target, multilabel_margin_loss_options o = {}, Outs&&... outs) {
  using namespace multilabel_margin;
  using T = typename I::Scalar;
  using Vec = Eigen::Matrix<T, Eigen::Dynamic, 1>;
  const std::ptrdiff_t n = input.rows(), classes = input.cols();
  detail::target_lists<T> lists(target, n, classes);
  std::vector<Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1>> label(slots, Eigen::Matrix<std::int64_t, -1, 1>(n));
  std::vector<Vec> score(slots, Vec(n)), count(slots, Vec(n)), score_grad(slots);
  constexpr bool wants_grad = (detail::is_named_grad_v<std::remove_cvref_t<Outs>> || ...);
  constexpr bool wants_losses = (is_loss_output_v<std::remove_cvref_t<Outs>> || ...);

  // One evaluation of slots [first, first + slots); the score gradients are
  // left in score_grad.
  auto run = [&](std::size_t first, auto... out) {
    lists.fill(first, input, label, score, count);
    auto bindings = [&](auto... g) {
      return evaluate(loss, o.reduction, multilabel_margin::input = input, not_target = lists.not_target, n_classes = double(classes),
                      score0 = score[0], score1 = score[1], score2 = score[2], score3 = score[3],
                      count0 = count[0], count1 = count[1], count2 = count[2], count3 = count[3], g..., out...);
    };
    if constexpr (wants_grad)
      return bindings(xloss::grad(score0) = score_grad[0], xloss::grad(score1) = score_grad[1],
                      xloss::grad(score2) = score_grad[2], xloss::grad(score3) = score_grad[3]);
    else
      return bindings();
  };
  if (lists.most <= slots) {  // the common case: one fused evaluation
    T value = run(0, forward_output<row_var<"input">>(outs)...);
    if constexpr (wants_grad)
      for (int s = 0; s < slots; ++s) detail::add_at_labels<"input">(n, classes, label[s], score_grad[s], outs...);
    return value;
  }

  // More distinct targets than slots: add up one evaluation per group of slots.
  typename detail::target_lists<T>::Row grad_sum = detail::target_lists<T>::Row::Zero(n, classes), g;
  Vec losses = Vec::Zero(n), l;
  const auto threads = xloss::threads(detail::thread_count_of(outs...));
  T total = 0;
  for (std::size_t first = 0; first < lists.most; first += slots) {
    if constexpr (wants_grad && wants_losses) total += run(first, xloss::grad(multilabel_margin::input) = g, xloss::loss_out = l, threads);
    else if constexpr (wants_grad) total += run(first, xloss::grad(multilabel_margin::input) = g, threads);
    else if constexpr (wants_losses) total += run(first, xloss::loss_out = l, threads);
    else total += run(first, threads);
    if constexpr (wants_grad) {
      for (int s = 0; s < slots; ++s)
        for (std::ptrdiff_t i = 0; i < n; ++i) g(i, static_cast<std::ptrdiff_t>(label[s](i))) += score_grad[s](i);
      grad_sum += g;
    }
    if constexpr (wants_losses) losses += l;
  }
  (detail::write_output(outs, grad_sum, losses), ...);
  return total;
}

}  // namespace xloss::nn
