// MultiMarginLoss: PyTorch reference data, finite differences, fused kernel
// vs the reference evaluator, bad inputs.
#include <xloss/nn/multi_margin_loss.hpp>

#include "common.hpp"

using namespace rows_test;
namespace nn = xloss::nn;

namespace {

template <class T>
void reference_case(const ref_case& c) {
  Rows<T> x = rows<T>(c.at("input")), g;
  Labels y = labels(c.at("target"));
  Vec<T> losses;
  nn::multi_margin_loss_options<T> o{.p = static_cast<int>(c.opt_num("p", 1)), .margin = c.opt_num("margin", 1),
                                     .reduction = reduction_of(c)};
  if (c.opt_num("weight", 0) != 0) o.weight = flat<T>(c.at("weight"));
  T value = o.reduction == xloss::reduction::none
                ? nn::multi_margin_loss(x, y, o, nn::grad<"input"> = g, xloss::loss_out = losses)
                : nn::multi_margin_loss(x, y, o, nn::grad<"input"> = g);
  if (o.reduction == xloss::reduction::none) check_losses(c, losses);
  else check_value(c, value);
  check_tensor(c, g, "grad_input");
}

Labels random_labels(std::mt19937_64& gen, long n, long classes) {
  Labels y(n);
  for (long i = 0; i < n; ++i) y(i) = static_cast<std::int64_t>(gen() % static_cast<unsigned long>(classes));
  return y;
}

template <class T>
void kernel_case(const Rows<T>& x, const Labels& y, const std::string& what) {
  using namespace xloss::nn::multi_margin;
  Vec<T> score(x.rows()), w(x.rows());
  for (long i = 0; i < x.rows(); ++i) {
    score(i) = x(i, y(i));
    w(i) = static_cast<T>(0.5 + static_cast<double>(y(i)));
  }
  struct out {
    Rows<T> g;
    Vec<T> gs, losses;
  } f, s;
  for (auto r : {xloss::reduction::none, xloss::reduction::mean}) {
    auto p1 = [&](auto eval, out& o) {
      return eval(loss<1, false>(), r, input = x, target = y, target_score = score, margin = 1.0,
                  n_classes = double(x.cols()), xloss::grad(input) = o.g, xloss::grad(target_score) = o.gs,
                  xloss::loss_out = o.losses);
    };
    auto p2 = [&](auto eval, out& o) {
      return eval(loss<2, true>(), r, input = x, target = y, target_score = score, sample_weight = w, margin = 0.5,
                  n_classes = double(x.cols()), xloss::grad(input) = o.g, xloss::grad(target_score) = o.gs,
                  xloss::loss_out = o.losses);
    };
    check_values(p1(fused, f), p1(slow, s), what + " p=1");
    check_kernel<T>(f.losses, s.losses, what + " p=1 losses");
    check_kernel<T>(f.g, s.g, what + " p=1 grad");
    check_kernel<T>(f.gs, s.gs, what + " p=1 grad score");
    check_values(p2(fused, f), p2(slow, s), what + " p=2");
    check_kernel<T>(f.losses, s.losses, what + " p=2 losses");
    check_kernel<T>(f.g, s.g, what + " p=2 grad");
    check_kernel<T>(f.gs, s.gs, what + " p=2 grad score");
  }
}

template <class T>
void kernel_sizes() {
  std::mt19937_64 gen(13);
  for (long n : sample_counts)
    for (long d : row_lengths)
      if (affordable(n, d)) kernel_case<T>(uniform<T>(gen, n, d, -2, 2), random_labels(gen, n, d), size_name<T>(n, d));
  // Small integers: ties and margins exactly at the kink z = 0.
  Rows<T> ints = uniform<T>(gen, 9, 6, -2, 2).array().round();
  kernel_case<T>(ints, random_labels(gen, 9, 6), "integers");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(multi_margin_loss)

BOOST_AUTO_TEST_CASE(pytorch_reference) {
  auto cases = xloss::testing::load_reference(xloss::testing::reference_path("multi_margin_loss"));
  BOOST_REQUIRE_EQUAL(cases.size(), 74u);
  for (const auto& c : cases) is_f32(c) ? reference_case<float>(c) : reference_case<double>(c);
}

BOOST_AUTO_TEST_CASE(finite_differences) {
  std::mt19937_64 gen(1);
  Rows<double> x = uniform<double>(gen, 9, 6, -1, 1), g;
  Labels y = random_labels(gen, 9, 6);
  for (int p : {1, 2}) {
    nn::multi_margin_loss_options<double> o{.p = p, .margin = 0.7, .weight = Vec<double>::LinSpaced(6, 0.5, 2)};
    nn::multi_margin_loss(x, y, o, nn::grad<"input"> = g);
    auto f = [&] { return nn::multi_margin_loss(x, y, o); };
    BOOST_TEST(xloss::testing::close(g, xloss::testing::fd_gradient(f, x), 1e-6, 1e-8), "p=" << p);
  }
}

BOOST_AUTO_TEST_CASE(kernel_vs_reference_evaluator) {
  kernel_sizes<double>();
  kernel_sizes<float>();
}

BOOST_AUTO_TEST_CASE(empty_batch) {
  // PyTorch 1.13 returns uninitialised memory here; xloss: mean of nothing is NaN, the sum 0.
  Rows<double> x(0, 4);
  Labels y(0);
  BOOST_TEST(std::isnan(nn::multi_margin_loss(x, y)));
  BOOST_TEST(nn::multi_margin_loss(x, y, {.reduction = xloss::reduction::sum}) == 0.0);
}

BOOST_AUTO_TEST_CASE(bad_inputs) {
  Rows<double> x = Rows<double>::Zero(3, 4);
  Labels y(3);
  y << 0, 4, 1;
  throws_naming([&] { nn::multi_margin_loss(x, y); }, "'target' is 4");
  throws_naming([&] { nn::multi_margin_loss(x, Labels(Labels::Zero(2))); }, "'target'");
  throws_naming([&] { nn::multi_margin_loss(x, Labels(Labels::Zero(3)), {.p = 3}); }, "'p'");
  throws_naming([&] { nn::multi_margin_loss(x, Labels(Labels::Zero(3)), {.weight = Vec<double>::Ones(3)}); }, "'weight'");
}

BOOST_AUTO_TEST_SUITE_END()
