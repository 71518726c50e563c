// Naive Eigen ports of the row losses (reduction 'mean', value + every input
// gradient): what a user writes from the formula with Eigen arrays — each
// forward statement a materialised temporary, then a separate backward pass.
// TripletMargin's port is the existing one in bench/baselines/triplet.hpp.
#pragma once

#include <algorithm>
#include <cstdint>

#include "report_rows/row_case.hpp"

namespace rows_report::naive {

template <class T>
Rows<T> onehot(const Labels& y, Index d) {
  Rows<T> h = Rows<T>::Zero(y.size(), d);
  for (Index i = 0; i < y.size(); ++i) h(i, y(i)) = 1;
  return h;
}

// Margin 0, EPS = 1e-12f as PyTorch.
template <class T>
T cosine_embedding(const Rows<T>& a, const Rows<T>& b, const Vec<T>& y, Rows<T>& ga, Rows<T>& gb) {
  const Index n = a.rows();
  const T eps = T(1e-12f);
  const Vec<T> prod = (a * b).rowwise().sum(), m1 = a.square().rowwise().sum() + eps,
               m2 = b.square().rowwise().sum() + eps;
  const Vec<T> den = (m1 * m2).sqrt(), cos = prod / den;
  const Vec<T> loss = (y == T(1)).select(1 - cos, (y == T(-1)).select(cos.max(T(0)), T(0)));
  const Vec<T> g = (y == T(1)).select(Vec<T>::Constant(n, T(-1)),
                                      (y == T(-1) && cos >= T(0)).select(Vec<T>::Constant(n, T(1)), T(0))) /
                   T(n);
  ga = (b.colwise() / den - a.colwise() * (cos / m1)).colwise() * g;
  gb = (a.colwise() / den - b.colwise() * (cos / m2)).colwise() * g;
  return loss.mean();
}

template <class T>
T cross_entropy(const Rows<T>& x, const Labels& y, Rows<T>& g) {
  const Index n = x.rows();
  const Vec<T> m = x.rowwise().maxCoeff();
  const Rows<T> e = (x.colwise() - m).exp();
  const Vec<T> sum = e.rowwise().sum(), lse = m + sum.log();
  const Rows<T> h = onehot<T>(y, x.cols());
  const T loss = (lse - (x * h).rowwise().sum()).mean();
  g = (e.colwise() / sum - h) / T(n);
  return loss;
}

template <class T>
T nll(const Rows<T>& x, const Labels& y, Rows<T>& g) {
  const Rows<T> h = onehot<T>(y, x.cols());
  const T loss = -(x * h).rowwise().sum().mean();
  g = -h / T(x.rows());
  return loss;
}

// p = 1, margin 1.
template <class T>
T multi_margin(const Rows<T>& x, const Labels& y, Rows<T>& g) {
  const T scale = T(1) / (T(x.cols()) * T(x.rows()));
  const Rows<T> h = onehot<T>(y, x.cols());
  const Vec<T> score = (x * h).rowwise().sum();
  const Rows<T> z = (x.colwise() - score) + T(1);
  const Rows<T> active = (z > T(0) && h == T(0)).template cast<T>();
  const T loss = (active * z).sum() * scale;
  g = (active - h.colwise() * active.rowwise().sum()) * scale;
  return loss;
}

template <class T>
T multilabel_soft_margin(const Rows<T>& x, const Rows<T>& t, Rows<T>& gx, Rows<T>& gt) {
  const T scale = T(1) / (T(x.cols()) * T(x.rows()));
  const Rows<T> e = (-x.abs()).exp();
  const Rows<T> log_sig = x.min(T(0)) - e.log1p(), log_sig_neg = (-x).min(T(0)) - e.log1p();
  const T loss = -(t * log_sig + (1 - t) * log_sig_neg).sum() * scale;
  const Rows<T> sig = (x >= T(0)).select(1 / (1 + e), e / (1 + e));
  gx = (sig - t) * scale;
  gt = -(log_sig - log_sig_neg) * scale;
  return loss;
}

// Whole-batch statements, one target slot at a time (rows list their targets
// in the first columns, −1 after).
template <class T>
T multilabel_margin(const Rows<T>& x, const LabelRows& y, Rows<T>& g) {
  const Index n = x.rows(), d = x.cols();
  Rows<T> is_target = Rows<T>::Zero(n, d);
  Index slots = 0;
  for (Index i = 0; i < n; ++i) {
    Index k = 0;
    for (; k < d && y(i, k) >= 0; ++k) is_target(i, y(i, k)) = 1;
    slots = std::max(slots, k);
  }
  T loss = 0;
  g.setZero(n, d);
  Vec<T> listed = Vec<T>::Ones(n);  // 1 while row i's list has not ended
  for (Index k = 0; k < slots; ++k) {
    Vec<T> score(n);
    for (Index i = 0; i < n; ++i) {
      listed(i) = listed(i) != T(0) && y(i, k) >= 0 ? T(1) : T(0);
      score(i) = listed(i) != T(0) ? x(i, y(i, k)) : T(0);
    }
    const Rows<T> z = (x.colwise() - score) + T(1);
    const Rows<T> active = ((z > T(0) && is_target == T(0)).template cast<T>()).colwise() * listed;
    loss += (active * z).sum();
    g += active;
    const Vec<T> count = active.rowwise().sum();
    for (Index i = 0; i < n; ++i)
      if (listed(i) != T(0)) g(i, y(i, k)) -= count(i);
  }
  const T scale = T(1) / (T(d) * T(n));
  g *= scale;
  return loss * scale;
}

}  // namespace rows_report::naive
