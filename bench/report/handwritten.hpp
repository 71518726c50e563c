// The hand-written bar: for each elementwise loss, one vectorised loop over
// Eigen 3.4 packets that reads every input once, writes every gradient once
// and produces the loss in the same pass (reduction 'mean'). Transcendentals
// use Eigen's packet math (pexp, plog), so the transcendental-bound losses
// measure xloss's vectorised log/exp against Eigen's.
//
// The loop skeleton is shared (packet_loop); each loss's body, its formulas,
// is written out by hand below. Bodies return the packet of per-element loss
// terms and store the gradients of the mean into g[k] (s = 1/N).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <type_traits>

#include "common/eigen.hpp"

#include "baselines/packet.hpp"

namespace xloss_bench::report::handwritten {

namespace ei = Eigen::internal;
using Eigen::Index;

// Runs body over n elements, packet by packet. The loss terms are summed in a
// packet accumulator per block of 256 packets and the blocks in double, so the
// float sum stays accurate at N = 1e7 at no measurable cost. The tail (fewer
// than a packet) is padded with copies of the last element and only its valid
// lanes are kept, so each body is written once, for packets.
template <class T, std::size_t In, std::size_t Out, class Body>
T packet_loop(Index n, const std::array<const T*, In>& in, const std::array<T*, Out>& out, Body body) {
  using P = baselines::Packet<T>;
  constexpr Index w = baselines::packet_size<T>;
  const P s = ei::pset1<P>(T(1) / T(n));
  P x[In];
  P g[Out];
  double total = 0;
  Index i = 0;
  while (i + w <= n) {
    const Index end = i + std::min<Index>((n - i) / w, 256) * w;
    P acc = ei::pset1<P>(T(0));
    for (; i < end; i += w) {
      for (std::size_t k = 0; k < In; ++k) x[k] = ei::ploadu<P>(in[k] + i);
      acc = ei::padd(acc, body(x, g, s));
      for (std::size_t k = 0; k < Out; ++k) ei::pstoreu(out[k] + i, g[k]);
    }
    total += double(ei::predux(acc));
  }
  if (const Index rest = n - i; rest > 0) {
    alignas(64) T lanes[w];
    for (std::size_t k = 0; k < In; ++k) {
      for (Index l = 0; l < w; ++l) lanes[l] = in[k][std::min(i + l, n - 1)];
      x[k] = ei::ploadu<P>(lanes);
    }
    ei::pstoreu(lanes, body(x, g, s));
    for (Index l = 0; l < rest; ++l) total += double(lanes[l]);
    for (std::size_t k = 0; k < Out; ++k) {
      ei::pstoreu(lanes, g[k]);
      std::copy(lanes, lanes + rest, out[k] + i);
    }
  }
  return T(total / double(n));
}

// sigmoid(z) given e = exp(-|z|): 1/(1+e) for z >= 0, e/(1+e) below, so exp
// never overflows. Shared with softplus(z) = max(z, 0) + log1p(e).
template <class P>
P sigmoid_from(const P& z, const P& e) {
  using T = typename ei::unpacket_traits<P>::type;
  const P r = ei::pdiv(ei::pset1<P>(T(1)), ei::padd(ei::pset1<P>(T(1)), e));
  return ei::pselect(ei::pcmp_le(ei::pset1<P>(T(0)), z), r, ei::pmul(e, r));
}

// l1: |x - y|; gradient sign(d), 0 at d = 0.
template <class T>
T l1_loss(const T* x, const T* y, T* gx, T* gy, Index n) {
  return packet_loop<T, 2, 2>(n, {x, y}, {gx, gy}, [](const auto* v, auto* g, const auto& s) {
    using P = std::decay_t<decltype(s)>;
    const P zero = ei::pset1<P>(0);
    const P d = ei::psub(v[0], v[1]);
    g[0] = ei::psub(ei::pand(ei::pcmp_lt(zero, d), s), ei::pand(ei::pcmp_lt(d, zero), s));
    g[1] = ei::pnegate(g[0]);
    return ei::pabs(d);
  });
}

// mse: (x - y)^2.
template <class T>
T mse_loss(const T* x, const T* y, T* gx, T* gy, Index n) {
  return packet_loop<T, 2, 2>(n, {x, y}, {gx, gy}, [](const auto* v, auto* g, const auto& s) {
    const auto d = ei::psub(v[0], v[1]);
    g[0] = ei::pmul(ei::padd(s, s), d);
    g[1] = ei::pnegate(g[0]);
    return ei::pmul(d, d);
  });
}

// huber (delta): ½d² inside |d| < delta, delta(|d| - ½delta) outside;
// gradient clamp(d, -delta, delta).
template <class T>
T huber_loss(const T* x, const T* y, T* gx, T* gy, Index n, T delta) {
  return packet_loop<T, 2, 2>(n, {x, y}, {gx, gy}, [delta](const auto* v, auto* g, const auto& s) {
    using P = std::decay_t<decltype(s)>;
    const P pd = ei::pset1<P>(delta);
    const P d = ei::psub(v[0], v[1]);
    const P ad = ei::pabs(d);
    g[0] = ei::pmul(s, ei::pmin(ei::pmax(d, ei::pnegate(pd)), pd));
    g[1] = ei::pnegate(g[0]);
    return ei::pselect(ei::pcmp_lt(ad, pd), ei::pmul(ei::pset1<P>(T(0.5)), ei::pmul(d, d)),
                       ei::pmul(pd, ei::psub(ad, ei::pset1<P>(T(0.5) * delta))));
  });
}

// smooth_l1 (beta): ½d²/beta inside |d| < beta, |d| - ½beta outside;
// gradient clamp(d/beta, -1, 1).
template <class T>
T smooth_l1_loss(const T* x, const T* y, T* gx, T* gy, Index n, T beta) {
  return packet_loop<T, 2, 2>(n, {x, y}, {gx, gy}, [beta](const auto* v, auto* g, const auto& s) {
    using P = std::decay_t<decltype(s)>;
    const P one = ei::pset1<P>(T(1));
    const P d = ei::psub(v[0], v[1]);
    const P ad = ei::pabs(d);
    g[0] = ei::pmul(s, ei::pmin(ei::pmax(ei::pdiv(d, ei::pset1<P>(beta)), ei::pnegate(one)), one));
    g[1] = ei::pnegate(g[0]);
    return ei::pselect(ei::pcmp_lt(ad, ei::pset1<P>(beta)), ei::pmul(ei::pset1<P>(T(0.5) / beta), ei::pmul(d, d)),
                       ei::psub(ad, ei::pset1<P>(T(0.5) * beta)));
  });
}

// soft_margin: softplus(z), z = -y·x; gradient -y·sigmoid(z). One exp.
template <class T>
T soft_margin_loss(const T* x, const T* y, T* gx, Index n) {
  return packet_loop<T, 2, 1>(n, {x, y}, {gx}, [](const auto* v, auto* g, const auto& s) {
    using P = std::decay_t<decltype(s)>;
    const P z = ei::pnegate(ei::pmul(v[1], v[0]));
    const P e = ei::pexp(ei::pnegate(ei::pabs(z)));
    g[0] = ei::pnegate(ei::pmul(ei::pmul(v[1], sigmoid_from(z, e)), s));
    return ei::padd(ei::pmax(z, ei::pset1<P>(T(0))), baselines::packet_log1p_unit(e));
  });
}

// hinge_embedding (margin): [y != 1]·max(margin - x, 0) + [y != -1]·x, with
// the gradient flowing at the kink x = margin (PyTorch's clamp_min).
template <class T>
T hinge_embedding_loss(const T* x, const T* y, T* gx, Index n, T margin) {
  return packet_loop<T, 2, 1>(n, {x, y}, {gx}, [margin](const auto* v, auto* g, const auto& s) {
    using P = std::decay_t<decltype(s)>;
    const P zero = ei::pset1<P>(T(0));
    const P is_pos = ei::pcmp_eq(v[1], ei::pset1<P>(T(1)));
    const P is_neg = ei::pcmp_eq(v[1], ei::pset1<P>(T(-1)));
    const P h = ei::psub(ei::pset1<P>(margin), v[0]);
    const P hinge_active = ei::pandnot(ei::pcmp_le(zero, h), is_pos);
    g[0] = ei::psub(ei::pandnot(s, is_neg), ei::pand(hinge_active, s));
    return ei::padd(ei::pandnot(ei::pmax(h, zero), is_pos), ei::pandnot(v[0], is_neg));
  });
}

// margin_ranking (margin): max(margin - y·(x1 - x2), 0), gradient flowing at
// the kink; all three arguments differentiated.
template <class T>
T margin_ranking_loss(const T* x1, const T* x2, const T* y, T* g1, T* g2, T* gy, Index n, T margin) {
  return packet_loop<T, 3, 3>(n, {x1, x2, y}, {g1, g2, gy}, [margin](const auto* v, auto* g, const auto& s) {
    using P = std::decay_t<decltype(s)>;
    const P zero = ei::pset1<P>(T(0));
    const P d = ei::psub(v[0], v[1]);
    const P z = ei::psub(ei::pset1<P>(margin), ei::pmul(v[2], d));
    const P as = ei::pand(ei::pcmp_le(zero, z), s);
    g[1] = ei::pmul(v[2], as);
    g[0] = ei::pnegate(g[1]);
    g[2] = ei::pnegate(ei::pmul(d, as));
    return ei::pmax(z, zero);
  });
}

// kl_div (log_target = false): t·log t - t·x, with 0·log 0 = 0; gradients -t
// and (log t + 1) - x (the t = 0 branch: -x).
template <class T>
T kl_div(const T* x, const T* t, T* gx, T* gt, Index n) {
  return packet_loop<T, 2, 2>(n, {x, t}, {gx, gt}, [](const auto* v, auto* g, const auto& s) {
    using P = std::decay_t<decltype(s)>;
    const P t_zero = ei::pcmp_eq(v[1], ei::pset1<P>(T(0)));
    const P lt = ei::plog(v[1]);
    g[0] = ei::pnegate(ei::pmul(v[1], s));
    g[1] = ei::pmul(ei::psub(ei::pandnot(ei::padd(lt, ei::pset1<P>(T(1))), t_zero), v[0]), s);
    return ei::psub(ei::pandnot(ei::pmul(v[1], lt), t_zero), ei::pmul(v[1], v[0]));
  });
}

// binary_cross_entropy: -(y·max(log x, -100) + (1 - y)·max(log1p(-x), -100)),
// gradients of exactly that value (a clamped log contributes 0).
// packet_log1p_unit's formula holds for any e >= -1 (there 1 + e is finite;
// at e = -1 it gives log 0 = -inf), so it serves log1p(-x) for x in [0, 1].
template <class T>
T binary_cross_entropy(const T* x, const T* y, T* gx, T* gy, Index n) {
  return packet_loop<T, 2, 2>(n, {x, y}, {gx, gy}, [](const auto* v, auto* g, const auto& s) {
    using P = std::decay_t<decltype(s)>;
    const P one = ei::pset1<P>(T(1));
    const P floor = ei::pset1<P>(T(-100));
    const P lx = ei::plog(v[0]);
    const P l1x = baselines::packet_log1p_unit(ei::pnegate(v[0]));
    const P clx = ei::pmax(lx, floor);
    const P cl1x = ei::pmax(l1x, floor);
    const P one_minus_y = ei::psub(one, v[1]);
    const P dx_pos = ei::pand(ei::pcmp_le(floor, lx), ei::pdiv(v[1], v[0]));
    const P dx_neg = ei::pand(ei::pcmp_le(floor, l1x), ei::pdiv(one_minus_y, ei::psub(one, v[0])));
    g[0] = ei::pmul(ei::psub(dx_neg, dx_pos), s);
    g[1] = ei::pmul(ei::psub(cl1x, clx), s);
    return ei::pnegate(ei::padd(ei::pmul(v[1], clx), ei::pmul(one_minus_y, cl1x)));
  });
}

// binary_cross_entropy_with_logits: softplus(x) - x·y; gradients
// sigmoid(x) - y and -x. One exp shared by softplus and sigmoid.
template <class T>
T binary_cross_entropy_with_logits(const T* x, const T* y, T* gx, T* gy, Index n) {
  return packet_loop<T, 2, 2>(n, {x, y}, {gx, gy}, [](const auto* v, auto* g, const auto& s) {
    using P = std::decay_t<decltype(s)>;
    const P e = ei::pexp(ei::pnegate(ei::pabs(v[0])));
    g[0] = ei::pmul(ei::psub(sigmoid_from(v[0], e), v[1]), s);
    g[1] = ei::pnegate(ei::pmul(v[0], s));
    return ei::psub(ei::padd(ei::pmax(v[0], ei::pset1<P>(T(0))), baselines::packet_log1p_unit(e)),
                    ei::pmul(v[0], v[1]));
  });
}

}  // namespace xloss_bench::report::handwritten
