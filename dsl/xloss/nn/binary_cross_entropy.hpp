// BCELoss / F.binary_cross_entropy, input = probabilities:
//   −w·(target·max(log input, −100) + (1 − target)·max(log1p(−input), −100))
// log1p(−x) is PyTorch's log(1 − x) made accurate for small x (1.13 returns
// 0 for x < 2^−54). The gradients are the exact derivatives of this value:
// where a log is clamped its term contributes 0 (PyTorch instead returns
// (x − y)/max(x(1 − x), 1e−12) for the input and an unclamped ±inf for the
// target: docs/catalogue-elementwise.md). Input and target are checked to
// lie in [0, 1] (newer PyTorch checks the target too). The optional weight
// broadcasts (e.g. a 1 x C row against an N x C input) and is not differentiable.
#pragma once

#include <optional>

#include <xloss/nn/elementwise.hpp>
#include <xloss/simd/range.hpp>

namespace xloss::nn {

inline constexpr auto binary_cross_entropy_expr = [] {
  using namespace xloss::literals;
  constexpr auto x = scalar<"input">;
  constexpr auto y = scalar<"target">;
  return -(y * clamp_min(log(x), -100_c) + (1_c - y) * clamp_min(log1p(-x), -100_c));
}();
inline constexpr auto binary_cross_entropy_weighted_expr = scalar<"weight"> * binary_cross_entropy_expr;

template <class T = double>
struct binary_cross_entropy_options {
  xloss::reduction reduction = xloss::reduction::mean;
  std::optional<Eigen::Ref<const Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>>> weight = std::nullopt;
};

namespace detail {
// PyTorch's check before computing: every element in [0, 1] (NaN fails).
template <class D>
void require_probabilities(const D& data, std::string_view name) {
  view<const typename D::Scalar> v = make_view(data);
  using T = typename D::Scalar;
  auto fail = [&](std::ptrdiff_t r, std::ptrdiff_t c) {
    bad_argument(name, "must lie in [0, 1], got " + std::to_string(v(r, c)) + " at (" + std::to_string(r) + ", " +
                           std::to_string(c) + ")");
  };
  // A pack at a time along the unit-stride direction (a scalar loop with an
  // early exit cost more than the BCE kernel itself); the first bad element
  // in column order is reported, as before.
  if (v.size() == 0) return;  // (and v.p may be null)
  if (v.cs == 1 && v.cols > 1) {
    std::ptrdiff_t bad_r = v.rows, bad_c = 0;
    for (std::ptrdiff_t r = 0; r < v.rows && bad_r == v.rows; ++r)
      if (auto c = simd::find_outside(v.p + r * v.rs, v.cols, 1, T(0), T(1)); c < v.cols) bad_r = r, bad_c = c;
    if (bad_r == v.rows) return;
    for (std::ptrdiff_t c = 0; c <= bad_c; ++c)  // an earlier column may hold a bad element in a later row
      if (auto r = simd::find_outside(v.p + c * v.cs, v.rows, v.rs, T(0), T(1)); r < v.rows) fail(r, c);
  }
  for (std::ptrdiff_t c = 0; c < v.cols; ++c)
    if (auto r = simd::find_outside(v.p + c * v.cs, v.rows, v.rs, T(0), T(1)); r < v.rows) fail(r, c);
}
}  // namespace detail

template <class Input, class Target, class... Out>
auto binary_cross_entropy(const Input& input, const Target& target,
                          const binary_cross_entropy_options<typename Input::Scalar>& opt = {}, Out&&... outs) {
  auto call = detail::call_for(input);
  using V = scalar_var<"input">;
  using W = scalar_var<"target">;
  auto x = call.same_shape(V{}, input, "input");
  auto y = call.same_shape(W{}, target, "target");
  detail::require_probabilities(input, "input");
  detail::require_probabilities(target, "target");
  const reduction r = call.checked(opt.reduction);
  if (opt.weight)
    return evaluate(binary_cross_entropy_weighted_expr, r, x, y, call.broadcast(scalar<"weight">, *opt.weight, "weight"),
                    call.template bind_output<V, W>(static_cast<Out&&>(outs))...);
  return evaluate(binary_cross_entropy_expr, r, x, y, call.template bind_output<V, W>(static_cast<Out&&>(outs))...);
}

}  // namespace xloss::nn
