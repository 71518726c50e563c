// The naive Eigen ports: what a user writes from the formula with Eigen
// arrays. Each forward term is a named array (a heap allocation per term per
// call), the loss is summed, then a separate backward pass recomputes what it
// needs. Reduction 'mean'; gradients of every differentiable argument.
#pragma once

#include "common/eigen.hpp"

#include "baselines/packet.hpp"

namespace xloss_bench::report::naive {

template <class T>
using A = baselines::Vec<T>;

template <class T>
A<T> softplus(const A<T>& z) {
  return z.max(T(0)) + (-z.abs()).exp().log1p();
}
template <class T>
A<T> sigmoid(const A<T>& z) {
  return T(1) / (T(1) + (-z).exp());
}

template <class T>
T mse_loss(const A<T>& x, const A<T>& y, A<T>& gx, A<T>& gy) {
  const T n = T(x.size());
  const A<T> diff = x - y;
  const A<T> l = diff.square();
  const T loss = l.sum() / n;
  gx = T(2) * (x - y) / n;
  gy = -gx;
  return loss;
}

template <class T>
T l1_loss(const A<T>& x, const A<T>& y, A<T>& gx, A<T>& gy) {
  const T n = T(x.size());
  const A<T> diff = x - y;
  const A<T> l = diff.abs();
  const T loss = l.sum() / n;
  gx = (x - y).sign() / n;
  gy = -gx;
  return loss;
}

template <class T>
T huber_loss(const A<T>& x, const A<T>& y, A<T>& gx, A<T>& gy, T delta) {
  const T n = T(x.size());
  const A<T> diff = x - y;
  const A<T> ad = diff.abs();
  const A<T> l = (ad < delta).select(T(0.5) * diff.square(), delta * (ad - T(0.5) * delta));
  const T loss = l.sum() / n;
  const A<T> dd = x - y;
  gx = (dd.abs() < delta).select(dd, delta * dd.sign()) / n;
  gy = -gx;
  return loss;
}

template <class T>
T smooth_l1_loss(const A<T>& x, const A<T>& y, A<T>& gx, A<T>& gy, T beta) {
  const T n = T(x.size());
  const A<T> diff = x - y;
  const A<T> ad = diff.abs();
  const A<T> l = (ad < beta).select(T(0.5) * diff.square() / beta, ad - T(0.5) * beta);
  const T loss = l.sum() / n;
  const A<T> dd = x - y;
  gx = (dd.abs() < beta).select(dd / beta, dd.sign()) / n;
  gy = -gx;
  return loss;
}

template <class T>
T soft_margin_loss(const A<T>& x, const A<T>& y, A<T>& gx) {
  const T n = T(x.size());
  const A<T> z = -y * x;
  const A<T> l = softplus<T>(z);
  const T loss = l.sum() / n;
  gx = -y * sigmoid<T>(-y * x) / n;
  return loss;
}

template <class T>
T hinge_embedding_loss(const A<T>& x, const A<T>& y, A<T>& gx, T margin) {
  const T n = T(x.size());
  const A<T> hinge = (margin - x).max(T(0));
  const A<T> l = (y != T(1)).select(hinge, T(0)) + (y != T(-1)).select(x, T(0));
  const T loss = l.sum() / n;
  const A<T> zero = A<T>::Zero(x.size());
  gx = ((y != T(1)) && (margin - x >= T(0))).select(T(-1), zero) + (y != T(-1)).select(T(1), zero);
  gx /= n;
  return loss;
}

template <class T>
T margin_ranking_loss(const A<T>& x1, const A<T>& x2, const A<T>& y, A<T>& g1, A<T>& g2, A<T>& gy, T margin) {
  const T n = T(x1.size());
  const A<T> z = -y * (x1 - x2) + margin;
  const A<T> l = z.max(T(0));
  const T loss = l.sum() / n;
  const A<T> active = ((-y * (x1 - x2) + margin) >= T(0)).template cast<T>() / n;
  g1 = -y * active;
  g2 = y * active;
  gy = -(x1 - x2) * active;
  return loss;
}

template <class T>
T kl_div(const A<T>& x, const A<T>& t, A<T>& gx, A<T>& gt) {
  const T n = T(x.size());
  const A<T> tlogt = (t == T(0)).select(T(0), t * t.log());
  const A<T> l = tlogt - t * x;
  const T loss = l.sum() / n;
  gx = -t / n;
  gt = ((t == T(0)).select(T(0), t.log() + T(1)) - x) / n;
  return loss;
}

// PyTorch's formulas, backward included: (x - y) / max(x(1 - x), 1e-12).
template <class T>
T binary_cross_entropy(const A<T>& x, const A<T>& y, A<T>& gx, A<T>& gy) {
  const T n = T(x.size());
  const A<T> logx = x.log().max(T(-100));
  const A<T> log1mx = (-x).log1p().max(T(-100));
  const A<T> l = -(y * logx + (T(1) - y) * log1mx);
  const T loss = l.sum() / n;
  gx = (x - y) / (x * (T(1) - x)).max(T(1e-12)) / n;
  gy = ((-x).log1p() - x.log()) / n;
  return loss;
}

template <class T>
T binary_cross_entropy_with_logits(const A<T>& x, const A<T>& y, A<T>& gx, A<T>& gy) {
  const T n = T(x.size());
  const A<T> l = (T(1) - y) * softplus<T>(x) + y * softplus<T>(-x);
  const T loss = l.sum() / n;
  gx = (sigmoid<T>(x) - y) / n;
  gy = -x / n;
  return loss;
}

}  // namespace xloss_bench::report::naive
