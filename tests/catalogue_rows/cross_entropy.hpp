// CrossEntropyLoss (class indices and probabilities): one PyTorch reference
// case, and the fused kernel vs the reference evaluator. Compiled once per
// dtype: float64 in cross_entropy.cpp, float32 in cross_entropy_f32.cpp (one
// unit for both took ~50 s to compile; a split by dtype keeps what the calls
// of one dtype share in one unit).
#pragma once

#include <random>
#include <string>

#include <xloss/nn/cross_entropy.hpp>

#include "common.hpp"

namespace rows_test::cross_entropy_test {

namespace nn = xloss::nn;

template <class T>
void reference_case(const ref_case& c) {
  Rows<T> x = rows<T>(c.at("input")), g, gt;
  nn::cross_entropy_options<T> o{.ignore_index = static_cast<std::int64_t>(c.opt_num("ignore_index", -100)),
                                 .label_smoothing = c.opt_num("label_smoothing", 0),
                                 .reduction = reduction_of(c)};
  if (c.opt_num("weight", 0) != 0) o.weight = flat<T>(c.at("weight"));
  if (c.opt("target_kind", "index") == "index") {
    Labels y = labels(c.at("target"));
    check_value_or_losses<T>(c, [&](auto... out) {
      return nn::cross_entropy(x, y, o, nn::grad<"input"> = g, out...);
    });
  } else {
    Rows<T> t = rows<T>(c.at("target"));
    check_value_or_losses<T>(
        c, [&](auto... out) { return nn::cross_entropy(x, t, o, nn::grad<"input"> = g, nn::grad<"target"> = gt, out...); });
    check_tensor(c, gt, "grad_target");
  }
  check_tensor(c, g, "grad_input");
}

template <class T>
void kernel_case(const Rows<T>& x, const Labels& y, const Rows<T>& prob, const std::string& what) {
  using namespace xloss::nn::cross_entropy_terms;
  using Row = Rows<T>;
  Vec<T> w = Vec<T>::LinSpaced(x.cols(), 0.5, 2);
  Eigen::Map<const Row, 0, Eigen::Stride<Eigen::Dynamic, 1>> wr(w.data(), x.rows(), x.cols(),
                                                                Eigen::Stride<Eigen::Dynamic, 1>(0, 1));
  nn::detail::class_targets<T> t("cross_entropy", y, x.rows(), x.cols(), w, 1);  // class 1 ignored
  struct out {
    Rows<T> g, gt;
    Vec<T> losses;
  } f, s;
  double C = static_cast<double>(x.cols());
  for (auto r : {xloss::reduction::none, xloss::reduction::sum}) {
    auto plain = [&](auto eval, out& o) {
      return eval(index_loss<false, false>(), r, input = x, label = t.labels, sample_weight = t.weight,
                  xloss::grad(input) = o.g, xloss::loss_out = o.losses);
    };
    check_values(plain(fused, f), plain(slow, s), what + " index");
    check_kernel<T>(f.losses, s.losses, what + " index losses");
    check_kernel<T>(f.g, s.g, what + " index grad");
    auto smooth = [&](auto eval, out& o) {
      return eval(index_loss<true, true>(), r, input = x, label = t.labels, sample_weight = t.weight, keep = t.keep,
                  weight = wr, smoothing = 0.2, n_classes = C, xloss::grad(input) = o.g, xloss::loss_out = o.losses);
    };
    check_values(smooth(fused, f), smooth(slow, s), what + " smoothing");
    check_kernel<T>(f.losses, s.losses, what + " smoothing losses");
    check_kernel<T>(f.g, s.g, what + " smoothing grad");
    auto probabilities = [&](auto eval, out& o) {
      return eval(probability_loss<true>(), r, input = x, probability = prob, weight = wr, smoothing = 0.2,
                  n_classes = C, xloss::grad(input) = o.g, xloss::grad(probability) = o.gt, xloss::loss_out = o.losses);
    };
    check_values(probabilities(fused, f), probabilities(slow, s), what + " probabilities");
    check_kernel<T>(f.losses, s.losses, what + " probabilities losses");
    check_kernel<T>(f.g, s.g, what + " probabilities grad input");
    check_kernel<T>(f.gt, s.gt, what + " probabilities grad target");
  }
}

template <class T>
void kernel_sizes() {
  std::mt19937_64 gen(11);
  for (long n : sample_counts)
    for (long d : row_lengths)
      if (affordable(n, d))
        kernel_case<T>(uniform<T>(gen, n, d, -5, 5), random_labels(gen, n, d), uniform<T>(gen, n, d, 0, 1),
                       size_name<T>(n, d));
  // Large logits of both signs, and equal rows.
  Rows<T> big = uniform<T>(gen, 6, 5, -500, 500), flat_rows = Rows<T>::Constant(6, 5, T(3));
  Labels y = random_labels(gen, 6, 5);
  kernel_case<T>(big, y, uniform<T>(gen, 6, 5, 0, 1), "large logits");
  kernel_case<T>(flat_rows, y, uniform<T>(gen, 6, 5, 0, 1), "equal logits");
}

extern template void reference_case<float>(const ref_case&);  // cross_entropy_f32.cpp
extern template void kernel_sizes<float>();

}  // namespace rows_test::cross_entropy_test
