// Hand-written loops for the row losses (reduction 'mean', value + every
// input gradient): what a careful programmer writes over Eigen 3.4 packets,
// the bar the fused kernel must match. One pass over the batch, row by row;
// a row (D = 128) is re-read from L1 when a loss needs a per-row statistic
// before its gradient. No allocation. TripletMargin's loop is the existing
// one in bench/baselines/triplet.hpp.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "baselines/packet.hpp"
#include "common/eigen.hpp"
#include "report_rows/row_case.hpp"

namespace rows_report::handwritten {

namespace ei = Eigen::internal;
template <class T>
using P = xloss_bench::baselines::Packet<T>;
template <class T>
inline constexpr Index W = xloss_bench::baselines::packet_size<T>;

// Rows are D = dim long, a multiple of every packet size: no scalar tails.
static_assert(dim % W<float> == 0 && dim % W<double> == 0);

// CosineEmbedding, margin 0: one sweep for dot, |a|², |b|², one for the
// gradient rows. dcos/da = b/den − a·cos/m1, den = sqrt(m1·m2), m = |·|² + EPS.
template <class T>
T cosine_embedding(const T* a, const T* b, const T* y, Index rows, T* ga, T* gb) {
  constexpr Index d = dim;
  const T eps = T(1e-12f), inv_rows = T(1) / T(rows);
  T loss = 0;
  for (Index r = 0; r < rows; ++r) {
    const T* ar = a + r * d;
    const T* br = b + r * d;
    P<T> pab = ei::pset1<P<T>>(T(0)), paa = pab, pbb = pab;
    for (Index j = 0; j < d; j += W<T>) {
      const P<T> av = ei::ploadu<P<T>>(ar + j), bv = ei::ploadu<P<T>>(br + j);
      pab = ei::pmadd(av, bv, pab);
      paa = ei::pmadd(av, av, paa);
      pbb = ei::pmadd(bv, bv, pbb);
    }
    const T m1 = ei::predux(paa) + eps, m2 = ei::predux(pbb) + eps, den = std::sqrt(m1 * m2), cos = ei::predux(pab) / den;
    T g = 0;  // dL/dcos, already divided by the batch
    if (y[r] == T(1)) loss += T(1) - cos, g = -inv_rows;
    else if (y[r] == T(-1)) loss += std::max(cos, T(0)), g = cos >= T(0) ? inv_rows : T(0);
    const T ca = g / den, cb = g * cos;
    const P<T> pca = ei::pset1<P<T>>(ca), pa1 = ei::pset1<P<T>>(cb / m1), pb1 = ei::pset1<P<T>>(cb / m2);
    T* gar = ga + r * d;
    T* gbr = gb + r * d;
    for (Index j = 0; j < d; j += W<T>) {
      const P<T> av = ei::ploadu<P<T>>(ar + j), bv = ei::ploadu<P<T>>(br + j);
      ei::pstoreu(gar + j, ei::psub(ei::pmul(pca, bv), ei::pmul(pa1, av)));
      ei::pstoreu(gbr + j, ei::psub(ei::pmul(pca, av), ei::pmul(pb1, bv)));
    }
  }
  return loss * inv_rows;
}

// CrossEntropy with class indices: max sweep, exp sweep (exp kept in the
// gradient row), scale sweep; then the label's −1/B.
template <class T>
T cross_entropy(const T* x, const std::int64_t* y, Index rows, T* g) {
  constexpr Index d = dim;
  const T inv_rows = T(1) / T(rows);
  T loss = 0;
  for (Index r = 0; r < rows; ++r) {
    const T* xr = x + r * d;
    T* gr = g + r * d;
    P<T> pm = ei::pset1<P<T>>(-std::numeric_limits<T>::infinity());
    for (Index j = 0; j < d; j += W<T>) pm = ei::pmax(pm, ei::ploadu<P<T>>(xr + j));
    const T m = ei::predux_max(pm);
    const P<T> pmax = ei::pset1<P<T>>(m);
    P<T> ps = ei::pset1<P<T>>(T(0));
    for (Index j = 0; j < d; j += W<T>) {
      const P<T> e = ei::pexp(ei::psub(ei::ploadu<P<T>>(xr + j), pmax));
      ei::pstoreu(gr + j, e);
      ps = ei::padd(ps, e);
    }
    const T s = ei::predux(ps);
    loss += m + std::log(s) - xr[y[r]];
    const T scale = inv_rows / s;
    const P<T> pscale = ei::pset1<P<T>>(scale);
    for (Index j = 0; j < d; j += W<T>) ei::pstoreu(gr + j, ei::pmul(pscale, ei::ploadu<P<T>>(gr + j)));
    gr[y[r]] -= inv_rows;
  }
  return loss * inv_rows;
}

// NLL: a gather per row for the value; the gradient row is 0 but at the label.
template <class T>
T nll(const T* x, const std::int64_t* y, Index rows, T* g) {
  constexpr Index d = dim;
  const T inv_rows = T(1) / T(rows);
  const P<T> zero = ei::pset1<P<T>>(T(0));
  T loss = 0;
  for (Index r = 0; r < rows; ++r) {
    loss -= x[r * d + y[r]];
    T* gr = g + r * d;
    for (Index j = 0; j < d; j += W<T>) ei::pstoreu(gr + j, zero);
    gr[y[r]] = -inv_rows;
  }
  return loss * inv_rows;
}

// MultiMargin, p = 1, margin 1: one sweep over all j (z = 1 − x[y] + x[j],
// gradient [z > 0]/(D·B)); the j = y term it includes is taken out after.
template <class T>
T multi_margin(const T* x, const std::int64_t* y, Index rows, T* g) {
  constexpr Index d = dim;
  const T scale = T(1) / (T(d) * T(rows));
  const P<T> zero = ei::pset1<P<T>>(T(0)), one = ei::pset1<P<T>>(T(1)), pscale = ei::pset1<P<T>>(scale);
  T loss = 0;
  for (Index r = 0; r < rows; ++r) {
    const T* xr = x + r * d;
    T* gr = g + r * d;
    const T base = T(1) - xr[y[r]];
    const P<T> pbase = ei::pset1<P<T>>(base);
    P<T> acc = zero, cnt = zero;
    for (Index j = 0; j < d; j += W<T>) {
      const P<T> z = ei::padd(pbase, ei::ploadu<P<T>>(xr + j));
      const P<T> active = ei::pcmp_lt(zero, z);
      acc = ei::padd(acc, ei::pand(active, z));
      cnt = ei::padd(cnt, ei::pand(active, one));
      ei::pstoreu(gr + j, ei::pand(active, pscale));
    }
    const T sum = ei::predux(acc), count = ei::predux(cnt);
    const T own = base + xr[y[r]];  // z at j = y: 1 > 0, always counted above
    loss += sum - own;
    gr[y[r]] = -(count - T(1)) * scale;
  }
  return loss * scale;
}

// MultiLabelSoftMargin, elementwise over the whole batch: with
// ls = log_sigmoid(x), the loss term is (1 − t)·x − ls, dL/dx = sigmoid(x) − t
// and dL/dt = −x, all over D·B; one exp per element.
template <class T>
T multilabel_soft_margin(const T* x, const T* t, Index rows, T* gx, T* gt) {
  constexpr Index d = dim;
  const Index n = rows * d;
  const T scale = T(1) / (T(d) * T(rows));
  const P<T> zero = ei::pset1<P<T>>(T(0)), one = ei::pset1<P<T>>(T(1)), pscale = ei::pset1<P<T>>(scale);
  P<T> acc = zero;
  for (Index i = 0; i < n; i += W<T>) {
    const P<T> xv = ei::ploadu<P<T>>(x + i), tv = ei::ploadu<P<T>>(t + i);
    const P<T> e = ei::pexp(ei::pnegate(ei::pabs(xv)));
    const P<T> ls = ei::psub(ei::pmin(xv, zero), xloss_bench::baselines::packet_log1p_unit(e));
    acc = ei::padd(acc, ei::psub(ei::pmul(ei::psub(one, tv), xv), ls));
    const P<T> rcp = ei::pdiv(one, ei::padd(one, e));
    const P<T> sig = ei::pselect(ei::pcmp_le(zero, xv), rcp, ei::pmul(e, rcp));
    ei::pstoreu(gx + i, ei::pmul(ei::psub(sig, tv), pscale));
    ei::pstoreu(gt + i, ei::pnegate(ei::pmul(xv, pscale)));
  }
  return ei::predux(acc) * scale;
}

// MultiLabelMargin: per row, a not-target mask (on the stack) and one sweep
// per listed target j: z = 1 − x[j] + x[k] over k ∉ J, gradient [z > 0]/(D·B)
// to x[k] and minus their count to x[j].
template <class T>
T multilabel_margin(const T* x, const std::int64_t* y, Index rows, T* g) {
  constexpr Index d = dim;
  const T scale = T(1) / (T(d) * T(rows));
  const P<T> zero = ei::pset1<P<T>>(T(0)), one = ei::pset1<P<T>>(T(1)), pscale = ei::pset1<P<T>>(scale);
  alignas(64) T not_target[d];
  T loss = 0;
  for (Index r = 0; r < rows; ++r) {
    const T* xr = x + r * d;
    const std::int64_t* yr = y + r * d;
    T* gr = g + r * d;
    std::fill(not_target, not_target + d, T(1));
    Index listed = 0;
    for (; listed < d && yr[listed] >= 0; ++listed) not_target[yr[listed]] = T(0);
    std::fill(gr, gr + d, T(0));
    for (Index k = 0; k < listed; ++k) {
      const T base = T(1) - xr[yr[k]];
      const P<T> pbase = ei::pset1<P<T>>(base);
      P<T> acc = zero, cnt = zero;
      for (Index j = 0; j < d; j += W<T>) {
        const P<T> z = ei::padd(pbase, ei::ploadu<P<T>>(xr + j));
        const P<T> active = ei::pmul(ei::pload<P<T>>(not_target + j), ei::pand(ei::pcmp_lt(zero, z), one));
        acc = ei::pmadd(active, z, acc);
        cnt = ei::padd(cnt, active);
        ei::pstoreu(gr + j, ei::pmadd(active, pscale, ei::ploadu<P<T>>(gr + j)));
      }
      loss += ei::predux(acc);
      gr[yr[k]] -= ei::predux(cnt) * scale;
    }
  }
  return loss * scale;
}

}  // namespace rows_report::handwritten
