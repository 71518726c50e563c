// TripletMargin loss (p = 2, swap = false, reduction 'mean') over the rows of
// row-major N x D arrays: loss value and the gradients w.r.t. anchor, positive
// and negative, the two baselines the fused kernel is measured against.
//
//   d(u,v) = || u - v + eps ||_2            (PyTorch's pairwise_distance)
//   z_i    = d(a_i,p_i) - d(a_i,n_i) + margin
//   L      = mean_i max(0, z_i)
//
// PyTorch semantics (pytorch_losses.md §0.2, §5): clamp_min passes the gradient
// at z = 0 (g_i = [z_i >= 0] / N, so NaN z gives 0) and the norm's gradient is 0
// where d == 0. With u = a-p+eps, v = a-n+eps, cp = g/d(a,p), cn = g/d(a,n):
//   dL/dp = -cp*u,   dL/dn = cn*v,   dL/da = cp*u - cn*v.
#pragma once

#include <algorithm>
#include <cmath>

#include "common/eigen.hpp"

#include "baselines/packet.hpp"

namespace xloss_bench::baselines::triplet {

// What a user writes with Eigen arrays: the two difference matrices and every
// per-row vector are materialised (heap allocations per call), the backward
// pass re-reads the difference matrices, and the comparisons go through
// select(), which Eigen 3.4 does not vectorise.
template <class T>
T naive(const Eigen::Ref<const Rows<T>>& a, const Eigen::Ref<const Rows<T>>& p,
        const Eigen::Ref<const Rows<T>>& n, Eigen::Ref<Rows<T>> ga, Eigen::Ref<Rows<T>> gp,
        Eigen::Ref<Rows<T>> gn, T margin = T(1), T eps = T(1e-6)) {
  const T rows = T(a.rows());
  const Rows<T> dap = a - p + eps;
  const Rows<T> dan = a - n + eps;
  const Vec<T> dp = dap.square().rowwise().sum().sqrt();
  const Vec<T> dn = dan.square().rowwise().sum().sqrt();
  const Vec<T> z = dp - dn + margin;
  const T loss = z.max(T(0)).sum() / rows;

  const Vec<T> g = (z >= T(0)).select(Vec<T>::Constant(z.size(), T(1) / rows), T(0));
  const Vec<T> cp = (dp > T(0)).select(g / dp, T(0));
  const Vec<T> cn = (dn > T(0)).select(g / dn, T(0));
  gp = -(dap.colwise() * cp);
  gn = dan.colwise() * cn;
  ga = dap.colwise() * cp - dan.colwise() * cn;
  return loss;
}

// One sweep per row to get both distances, one sweep to write the three
// gradient rows, no allocation. Every input element comes from memory once:
// the second sweep re-reads the row (3*D*sizeof(T) = 1.5 KiB in float at
// D = 128) from L1 and recomputes u and v instead of storing them.
template <class T>
T handwritten(const Eigen::Ref<const Rows<T>>& a, const Eigen::Ref<const Rows<T>>& p,
              const Eigen::Ref<const Rows<T>>& n, Eigen::Ref<Rows<T>> ga, Eigen::Ref<Rows<T>> gp,
              Eigen::Ref<Rows<T>> gn, T margin = T(1), T eps = T(1e-6)) {
  namespace ei = Eigen::internal;
  using P = Packet<T>;
  constexpr Eigen::Index w = packet_size<T>;
  const Eigen::Index rows = a.rows();
  const Eigen::Index d = a.cols();
  const T inv_rows = T(1) / T(rows);
  const P peps = ei::pset1<P>(eps);

  T loss = 0;
  for (Eigen::Index r = 0; r < rows; ++r) {
    const T* ar = a.data() + r * a.outerStride();
    const T* pr = p.data() + r * p.outerStride();
    const T* nr = n.data() + r * n.outerStride();

    P su = ei::pset1<P>(T(0));
    P sv = su;
    Eigen::Index j = 0;
    for (; j + w <= d; j += w) {
      const P av = ei::ploadu<P>(ar + j);
      const P u = ei::padd(ei::psub(av, ei::ploadu<P>(pr + j)), peps);
      const P v = ei::padd(ei::psub(av, ei::ploadu<P>(nr + j)), peps);
      su = ei::pmadd(u, u, su);
      sv = ei::pmadd(v, v, sv);
    }
    T ssu = ei::predux(su);
    T ssv = ei::predux(sv);
    for (; j < d; ++j) {
      const T u = ar[j] - pr[j] + eps;
      const T v = ar[j] - nr[j] + eps;
      ssu += u * u;
      ssv += v * v;
    }
    const T dp = std::sqrt(ssu);
    const T dn = std::sqrt(ssv);
    const T z = dp - dn + margin;
    loss += std::max(z, T(0));

    const T g = z >= T(0) ? inv_rows : T(0);
    const T cp = dp > T(0) ? g / dp : T(0);
    const T cn = dn > T(0) ? g / dn : T(0);
    T* gar = ga.data() + r * ga.outerStride();
    T* gpr = gp.data() + r * gp.outerStride();
    T* gnr = gn.data() + r * gn.outerStride();
    const P pcp = ei::pset1<P>(cp);
    const P pcn = ei::pset1<P>(cn);
    for (j = 0; j + w <= d; j += w) {
      const P av = ei::ploadu<P>(ar + j);
      const P u = ei::pmul(pcp, ei::padd(ei::psub(av, ei::ploadu<P>(pr + j)), peps));
      const P v = ei::pmul(pcn, ei::padd(ei::psub(av, ei::ploadu<P>(nr + j)), peps));
      ei::pstoreu(gpr + j, ei::pnegate(u));
      ei::pstoreu(gnr + j, v);
      ei::pstoreu(gar + j, ei::psub(u, v));
    }
    for (; j < d; ++j) {
      const T u = cp * (ar[j] - pr[j] + eps);
      const T v = cn * (ar[j] - nr[j] + eps);
      gpr[j] = -u;
      gnr[j] = v;
      gar[j] = u - v;
    }
  }
  return loss * inv_rows;
}

}  // namespace xloss_bench::baselines::triplet
