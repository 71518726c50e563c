// CrossEntropyLoss (class indices and probabilities): PyTorch reference data,
// finite differences, fused kernel vs the reference evaluator, bad inputs.
#include <xloss/nn/cross_entropy.hpp>

#include "common.hpp"

using namespace rows_test;
namespace nn = xloss::nn;

namespace {

template <class T>
void reference_case(const ref_case& c) {
  Rows<T> x = rows<T>(c.at("input")), g, gt;
  Vec<T> losses;
  nn::cross_entropy_options<T> o{.ignore_index = static_cast<std::int64_t>(c.opt_num("ignore_index", -100)),
                                 .label_smoothing = c.opt_num("label_smoothing", 0),
                                 .reduction = reduction_of(c)};
  if (c.opt_num("weight", 0) != 0) o.weight = flat<T>(c.at("weight"));
  bool none = o.reduction == xloss::reduction::none;
  T value;
  if (c.opt("target_kind", "index") == "index") {
    Labels y = labels(c.at("target"));
    value = none ? nn::cross_entropy(x, y, o, nn::grad<"input"> = g, xloss::loss_out = losses)
                 : nn::cross_entropy(x, y, o, nn::grad<"input"> = g);
  } else {
    Rows<T> t = rows<T>(c.at("target"));
    value = none ? nn::cross_entropy(x, t, o, nn::grad<"input"> = g, nn::grad<"target"> = gt, xloss::loss_out = losses)
                 : nn::cross_entropy(x, t, o, nn::grad<"input"> = g, nn::grad<"target"> = gt);
    check_tensor(c, gt, "grad_target");
  }
  if (none) check_losses(c, losses);
  else check_value(c, value);
  check_tensor(c, g, "grad_input");
}

Labels random_labels(std::mt19937_64& gen, long n, long classes) {
  Labels y(n);
  for (long i = 0; i < n; ++i) y(i) = static_cast<std::int64_t>(gen() % static_cast<unsigned long>(classes));
  return y;
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

}  // namespace

BOOST_AUTO_TEST_SUITE(cross_entropy)

BOOST_AUTO_TEST_CASE(pytorch_reference) {
  auto cases = xloss::testing::load_reference(xloss::testing::reference_path("cross_entropy"));
  BOOST_REQUIRE_EQUAL(cases.size(), 126u);
  for (const auto& c : cases) is_f32(c) ? reference_case<float>(c) : reference_case<double>(c);
}

BOOST_AUTO_TEST_CASE(finite_differences) {
  std::mt19937_64 gen(1);
  Rows<double> x = uniform<double>(gen, 7, 6, -3, 3), t = uniform<double>(gen, 7, 6, 0, 1), g, gt;
  Labels y = random_labels(gen, 7, 6);
  y(3) = -100;
  for (double ls : {0.0, 0.3})
    for (bool weighted : {false, true}) {
      nn::cross_entropy_options<double> o{.label_smoothing = ls};
      if (weighted) o.weight = Vec<double>::LinSpaced(6, 0.5, 2);
      std::string what = "ls=" + std::to_string(ls) + " weighted=" + std::to_string(weighted);
      nn::cross_entropy(x, y, o, nn::grad<"input"> = g);
      auto f = [&] { return nn::cross_entropy(x, y, o); };
      BOOST_TEST(xloss::testing::close(g, xloss::testing::fd_gradient(f, x), 1e-6, 1e-8), what << " index");
      nn::cross_entropy(x, t, o, nn::grad<"input"> = g, nn::grad<"target"> = gt);
      auto fp = [&] { return nn::cross_entropy(x, t, o); };
      BOOST_TEST(xloss::testing::close(g, xloss::testing::fd_gradient(fp, x), 1e-6, 1e-8), what << " probabilities");
      BOOST_TEST(xloss::testing::close(gt, xloss::testing::fd_gradient(fp, t), 1e-6, 1e-8), what << " target");
    }
}

BOOST_AUTO_TEST_CASE(kernel_vs_reference_evaluator) {
  kernel_sizes<double>();
  kernel_sizes<float>();
}

BOOST_AUTO_TEST_CASE(bad_inputs) {
  Rows<double> x = Rows<double>::Zero(3, 4);
  Labels y(3);
  y << 0, 7, 1;
  throws_naming([&] { nn::cross_entropy(x, y); }, "'target' is 7");
  throws_naming([&] { nn::cross_entropy(x, Labels::Zero(3), {.weight = Vec<double>::Ones(5)}); }, "'weight'");
  throws_naming([&] { nn::cross_entropy(x, Labels::Zero(3), {.label_smoothing = 1.5}); }, "'label_smoothing'");
  throws_naming([&] { nn::cross_entropy(x, Labels::Zero(3), {.label_smoothing = -0.1}); }, "'label_smoothing'");
  throws_naming([&] { nn::cross_entropy(x, Rows<double>(Rows<double>::Zero(3, 5))); }, "'target'");
  throws_naming([&] { nn::cross_entropy(x, Rows<double>(Rows<double>::Zero(3, 4)), {.weight = Vec<double>::Ones(2)}); },
                "'weight'");
}

BOOST_AUTO_TEST_SUITE_END()
