// MultiLabelSoftMarginLoss: PyTorch reference data, finite differences, fused
// kernel vs the reference evaluator, bad inputs.
#include <xloss/nn/multilabel_soft_margin_loss.hpp>

#include "common.hpp"

using namespace rows_test;
namespace nn = xloss::nn;

namespace {

template <class T>
void reference_case(const ref_case& c) {
  Rows<T> x = rows<T>(c.at("input")), t = rows<T>(c.at("target")), g, gt;
  nn::multilabel_soft_margin_loss_options<T> o{.reduction = reduction_of(c)};
  if (c.opt_num("weight", 0) != 0) o.weight = flat<T>(c.at("weight"));
  check_value_or_losses<T>(c, [&](auto... out) {
    return nn::multilabel_soft_margin_loss(x, t, o, nn::grad<"input"> = g, nn::grad<"target"> = gt, out...);
  });
  check_tensor(c, g, "grad_input");
  check_tensor(c, gt, "grad_target");
}

template <class T>
void kernel_case(const Rows<T>& x, const Rows<T>& t, const std::string& what) {
  using namespace xloss::nn::multilabel_soft_margin;
  Vec<T> w = Vec<T>::LinSpaced(x.cols(), 0.5, 2);
  Eigen::Map<const Rows<T>, 0, Eigen::Stride<Eigen::Dynamic, 1>> wr(w.data(), x.rows(), x.cols(),
                                                                    Eigen::Stride<Eigen::Dynamic, 1>(0, 1));
  struct out {
    Rows<T> g, gt;
    Vec<T> losses;
  } f, s;
  for (auto r : {xloss::reduction::none, xloss::reduction::mean}) {
    auto run = [&](auto eval, out& o) {
      return eval(loss<true>(), r, input = x, target = t, weight = wr, n_classes = double(x.cols()),
                  xloss::grad(input) = o.g, xloss::grad(target) = o.gt, xloss::loss_out = o.losses);
    };
    check_values(run(fused, f), run(slow, s), what);
    check_kernel<T>(f.losses, s.losses, what + " losses");
    check_kernel<T>(f.g, s.g, what + " grad input");
    check_kernel<T>(f.gt, s.gt, what + " grad target");
  }
}

template <class T>
void kernel_sizes() {
  std::mt19937_64 gen(17);
  for (long n : sample_counts)
    for (long d : row_lengths)
      if (affordable(n, d)) kernel_case<T>(uniform<T>(gen, n, d, -6, 6), uniform<T>(gen, n, d, 0, 1), size_name<T>(n, d));
  kernel_case<T>(uniform<T>(gen, 5, 7, -800, 800), uniform<T>(gen, 5, 7, 0, 1).array().round(), "large inputs");
  kernel_case<T>(Rows<T>::Zero(5, 7), uniform<T>(gen, 5, 7, 0, 1), "zero inputs");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(multilabel_soft_margin_loss)

BOOST_AUTO_TEST_CASE(pytorch_reference) {
  check_reference("multilabel_soft_margin_loss", 42, reference_case<float>, reference_case<double>);
}

BOOST_AUTO_TEST_CASE(finite_differences) {
  std::mt19937_64 gen(1);
  Rows<double> x = uniform<double>(gen, 6, 5, -3, 3), t = uniform<double>(gen, 6, 5, 0, 1), g, gt;
  nn::multilabel_soft_margin_loss_options<double> o{.weight = Vec<double>::LinSpaced(5, 0.5, 2)};
  nn::multilabel_soft_margin_loss(x, t, o, nn::grad<"input"> = g, nn::grad<"target"> = gt);
  auto f = [&] { return nn::multilabel_soft_margin_loss(x, t, o); };
  BOOST_TEST(xloss::testing::close(g, xloss::testing::fd_gradient(f, x), 1e-6, 1e-8));
  BOOST_TEST(xloss::testing::close(gt, xloss::testing::fd_gradient(f, t), 1e-6, 1e-8));
}

BOOST_AUTO_TEST_CASE(kernel_vs_reference_evaluator) {
  kernel_sizes<double>();
  kernel_sizes<float>();
}

BOOST_AUTO_TEST_CASE(bad_inputs) {
  Rows<double> x = Rows<double>::Zero(3, 4);
  throws_naming([&] { nn::multilabel_soft_margin_loss(x, Rows<double>(Rows<double>::Zero(3, 5))); }, "target");
  throws_naming([&] { nn::multilabel_soft_margin_loss(x, Rows<double>(Rows<double>::Zero(2, 4))); }, "target");
  throws_naming([&] { nn::multilabel_soft_margin_loss(x, x, {.weight = Vec<double>::Ones(3)}); }, "'weight'");
}

BOOST_AUTO_TEST_SUITE_END()
