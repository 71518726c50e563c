// TripletMarginLoss: one PyTorch reference case, and the fused kernel vs the
// reference evaluator. Compiled once per dtype: float64 in
// triplet_margin_loss.cpp, float32 in triplet_margin_loss_f32.cpp. Each call
// of the loss instantiates 8 kernels (4 norms, swap or not), and one unit for
// both dtypes took ~70 s to compile; a split by dtype keeps what the calls of
// one dtype share (the expressions' derivatives and plans) in one unit.
#pragma once

#include <random>
#include <string>

#include <xloss/nn/triplet_margin_loss.hpp>

#include "common.hpp"

namespace rows_test::triplet_test {

namespace nn = xloss::nn;

template <class T>
void reference_case(const ref_case& c) {
  Rows<T> a = rows<T>(c.at("anchor")), p = rows<T>(c.at("positive")), n = rows<T>(c.at("negative"));
  Rows<T> ga, gp, gn;
  nn::triplet_margin_loss_options o{c.opt_num("margin", 1), c.opt_num("p", 2), c.opt_num("eps", 1e-6),
                                    c.opt_num("swap", 0) != 0, reduction_of(c)};
  check_value_or_losses<T>(c, [&](auto... out) {
    return nn::triplet_margin_loss(a, p, n, o, nn::grad<"anchor"> = ga, nn::grad<"positive"> = gp,
                                   nn::grad<"negative"> = gn, out...);
  });
  check_tensor(c, ga, "grad_anchor");
  check_tensor(c, gp, "grad_positive");
  check_tensor(c, gn, "grad_negative");
}

// Every norm and swap variant, as the wrapper builds it.
template <class T, xloss::nn::triplet::norm P, bool Swap>
void kernel_case(const Rows<T>& a, const Rows<T>& p, const Rows<T>& n, const std::string& what) {
  using namespace xloss::nn::triplet;
  struct out {
    Rows<T> ga, gp, gn;
    Vec<T> losses;
  } f, s;
  auto run = [&](auto eval, out& o, xloss::reduction r, auto... extra) {
    return eval(loss<P, Swap>(), r, anchor = a, positive = p, negative = n, margin = 0.5, eps = 1e-6, extra...,
                xloss::grad(anchor) = o.ga, xloss::grad(positive) = o.gp, xloss::grad(negative) = o.gn,
                xloss::loss_out = o.losses);
  };
  for (auto r : {xloss::reduction::none, xloss::reduction::mean}) {
    auto both = [&](auto... extra) {
      check_values(run(fused, f, r, extra...), run(slow, s, r, extra...), what);
    };
    if constexpr (P == norm::lp) both(xloss::nn::triplet::p = 3.0);
    else both();
    check_kernel<T>(f.losses, s.losses, what + " losses");
    check_kernel<T>(f.ga, s.ga, what + " grad anchor");
    check_kernel<T>(f.gp, s.gp, what + " grad positive");
    check_kernel<T>(f.gn, s.gn, what + " grad negative");
  }
}

template <class T>
void kernel_all(const Rows<T>& a, const Rows<T>& p, const Rows<T>& n, const std::string& what) {
  using xloss::nn::triplet::norm;
  kernel_case<T, norm::l1, false>(a, p, n, what + " p=1");
  kernel_case<T, norm::l2, false>(a, p, n, what + " p=2");
  kernel_case<T, norm::linf, false>(a, p, n, what + " p=inf");
  kernel_case<T, norm::lp, false>(a, p, n, what + " p=3");
  kernel_case<T, norm::l2, true>(a, p, n, what + " p=2 swap");
  kernel_case<T, norm::linf, true>(a, p, n, what + " p=inf swap");
}

template <class T>
void kernel_sizes() {
  std::mt19937_64 gen(7);
  for (long n : sample_counts)
    for (long d : row_lengths) {
      if (!affordable(n, d)) continue;
      std::string what = size_name<T>(n, d);
      Rows<T> a = uniform<T>(gen, n, d), p = uniform<T>(gen, n, d), q = uniform<T>(gen, n, d);
      kernel_all<T>(a, p, q, what);
    }
  // Extremes: zero rows, a = p (swap ties), small integers (inf-norm ties, kinks).
  Rows<T> z = Rows<T>::Zero(5, 7), ints = uniform<T>(gen, 5, 7, -3, 3).array().round();
  kernel_all<T>(z, z, z, "zeros");
  kernel_all<T>(ints, ints, z, "a=p");
  kernel_all<T>(ints, z, ints.array() * 2, "integers");
}

extern template void reference_case<float>(const ref_case&);  // triplet_margin_loss_f32.cpp
extern template void kernel_sizes<float>();

}  // namespace rows_test::triplet_test
