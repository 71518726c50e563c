// BCE-with-logits, reduction 'mean': loss value and dL/dx, the two baselines the
// fused kernel is measured against.
//
//   L     = mean( max(x,0) - x*y + log1p(exp(-|x|)) )
//   dL/dx = (sigmoid(x) - y) / N
//
// Only the input gradient is computed. PyTorch also differentiates the target
// (dL/dy = -x/N), but training never asks for it, and computing it would add
// one more output stream to every variant alike.
#pragma once

#include <algorithm>
#include <cmath>

#include "common/eigen.hpp"

#include "baselines/packet.hpp"

namespace xloss_bench::baselines::bce_with_logits {

// What a user writes by following the formula with Eigen arrays: each term is a
// named ArrayX (one heap allocation per term per call), the forward is summed,
// and the backward is a second pass that recomputes exp. Eigen 3.4 has no
// double log1p packet, so in double the softplus term runs through std::log1p.
template <class T>
T naive(const Eigen::Ref<const Vec<T>>& x, const Eigen::Ref<const Vec<T>>& y,
        Eigen::Ref<Vec<T>> dx) {
  const T n = T(x.size());
  const Vec<T> relu = x.max(T(0));
  const Vec<T> xy = x * y;
  const Vec<T> softplus = (-x.abs()).exp().log1p();
  const T loss = (relu - xy + softplus).sum() / n;

  const Vec<T> sigmoid = T(1) / (T(1) + (-x).exp());
  dx = (sigmoid - y) / n;
  return loss;
}

// One vectorised pass: each input read once, the gradient written once, one
// exp per element shared by the softplus and the sigmoid, no allocation.
// sigmoid(x) = 1/(1+e) for x >= 0 and e/(1+e) for x < 0, with e = exp(-|x|),
// so exp never overflows.
template <class T>
T handwritten(const Eigen::Ref<const Vec<T>>& x, const Eigen::Ref<const Vec<T>>& y,
              Eigen::Ref<Vec<T>> dx) {
  namespace ei = Eigen::internal;
  using P = Packet<T>;
  constexpr Eigen::Index w = packet_size<T>;
  const Eigen::Index n = x.size();
  const T inv_n = T(1) / T(n);
  const T* xs = x.data();
  const T* ys = y.data();
  T* gs = dx.data();

  const P zero = ei::pset1<P>(T(0));
  const P one = ei::pset1<P>(T(1));
  const P pinv_n = ei::pset1<P>(inv_n);
  P acc = zero;
  Eigen::Index i = 0;
  for (; i + w <= n; i += w) {
    const P xv = ei::ploadu<P>(xs + i);
    const P yv = ei::ploadu<P>(ys + i);
    const P e = ei::pexp(ei::pnegate(ei::pabs(xv)));
    const P softplus = packet_log1p_unit(e);
    acc = ei::padd(acc, ei::psub(ei::padd(ei::pmax(xv, zero), softplus), ei::pmul(xv, yv)));
    const P r = ei::pdiv(one, ei::padd(one, e));
    const P sigmoid = ei::pselect(ei::pcmp_le(zero, xv), r, ei::pmul(e, r));
    ei::pstoreu(gs + i, ei::pmul(ei::psub(sigmoid, yv), pinv_n));
  }
  T sum = ei::predux(acc);
  for (; i < n; ++i) {  // scalar tail, same formulas
    const T e = std::exp(-std::abs(xs[i]));
    sum += std::max(xs[i], T(0)) - xs[i] * ys[i] + std::log1p(e);
    const T r = T(1) / (T(1) + e);
    gs[i] = ((xs[i] >= T(0) ? r : e * r) - ys[i]) * inv_n;
  }
  return sum * inv_n;
}

}  // namespace xloss_bench::baselines::bce_with_logits
