// CosineEmbeddingLoss (pytorch_losses.md §9):
//   cos = Σ x1·x2 / sqrt((Σ x1² + EPS)(Σ x2² + EPS)),   EPS = (double)(float)1e-12
//   l = [y = 1](1 − cos) + [y = −1]·clamp_min(cos − margin, 0)   (other y: 0)
//
//   double L = xloss::nn::cosine_embedding_loss(X1, X2, y, {.margin = 0.2},
//                                               xloss::nn::grad<"input1"> = G1);
// y is a vector of N reals or integers.
#pragma once

#include <type_traits>

#include <xloss/nn/functional.hpp>

namespace xloss::nn {

namespace cosine_embedding {
using namespace xloss::literals;
inline constexpr auto input1 = row<"input1">;
inline constexpr auto input2 = row<"input2">;
inline constexpr auto target = scalar<"target">;
inline constexpr auto margin = param<"margin">;
// PyTorch's EPSILON is the float 1e-12; bound as a parameter so that it keeps
// that exact value (not the rational 1e-12) in float and in double.
inline constexpr auto eps = param<"EPS">;
inline constexpr float EPS = 1e-12f;

inline constexpr auto cos =
    dot(input1, input2) / sqrt((sum(input1 * input1) + eps) * (sum(input2 * input2) + eps));
inline constexpr auto loss =
    select(target == 1_c, 1_c - cos, 0_c) + select(target == -1_c, clamp_min(cos - margin, 0_c), 0_c);
}  // namespace cosine_embedding

struct cosine_embedding_loss_options {
  double margin = 0.0;
  xloss::reduction reduction = xloss::reduction::mean;
};

template <class X1, class X2, class Y, class... Outs>
auto cosine_embedding_loss(const X1& input1, const X2& input2, const Y& target,
                           cosine_embedding_loss_options o = {}, Outs&&... outs) {
  using namespace cosine_embedding;
  using T = typename X1::Scalar;
  auto run = [&](const auto& y) {
    return evaluate(loss, o.reduction, cosine_embedding::input1 = input1, cosine_embedding::input2 = input2,
                    cosine_embedding::target = y, margin = o.margin, eps = EPS,
                    forward_output<row_var<"input1">, row_var<"input2">>(outs)...);
  };
  // Integer targets (PyTorch accepts any dtype) become reals.
  if constexpr (std::is_integral_v<typename Y::Scalar>)
    return run(Eigen::Matrix<T, Eigen::Dynamic, 1>(target.template cast<T>()));
  else
    return run(target);
}

}  // namespace xloss::nn
