// Shared vocabulary of the baselines: Eigen array types and the few Eigen 3.4
// packet helpers the hand-written loops need beyond Eigen's own set.
#pragma once

#include "common/eigen.hpp"

namespace xloss_bench::baselines {

template <class T>
using Vec = Eigen::Array<T, Eigen::Dynamic, 1>;

// Row-major N x D: one sample per row, as PyTorch lays out (N, D) tensors.
template <class T>
using Rows = Eigen::Array<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// The widest packet Eigen picks for T (Packet16f / Packet8d with AVX-512).
template <class T>
using Packet = typename Eigen::internal::packet_traits<T>::type;

template <class T>
inline constexpr Eigen::Index packet_size = Eigen::internal::unpacket_traits<Packet<T>>::size;

// log1p(e) for e in [0, 1], as Eigen's generic_plog1p computes it
// (e * log(1+e) / ((1+e) - 1), which cancels the rounding of 1+e), but inline:
// Eigen 3.4 has no double log1p packet at all, and for float GCC leaves
// generic_plog1p out of line (a call per packet, ~6 % of the BCE loop). On
// [0, 1], 1+e is finite, so Eigen's infinity branch is not needed.
template <class P>
P packet_log1p_unit(const P& e) {
  namespace ei = Eigen::internal;
  using T = typename ei::unpacket_traits<P>::type;
  const P one = ei::pset1<P>(T(1));
  const P u = ei::padd(one, e);
  const P log1p = ei::pmul(e, ei::pdiv(ei::plog(u), ei::psub(u, one)));
  return ei::pselect(ei::pcmp_eq(u, one), e, log1p);
}

}  // namespace xloss_bench::baselines
