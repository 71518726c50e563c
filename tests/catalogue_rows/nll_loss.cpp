// NLLLoss: PyTorch reference data, finite differences, fused kernel vs the
// reference evaluator, bad inputs.
#include <xloss/nn/nll_loss.hpp>

#include "common.hpp"

using namespace rows_test;
namespace nn = xloss::nn;

namespace {

template <class T>
void reference_case(const ref_case& c) {
  Rows<T> x = rows<T>(c.at("input")), g;
  Labels y = labels(c.at("target"));
  nn::nll_loss_options<T> o{.ignore_index = static_cast<std::int64_t>(c.opt_num("ignore_index", -100)),
                            .reduction = reduction_of(c)};
  if (c.opt_num("weight", 0) != 0) o.weight = flat<T>(c.at("weight"));
  check_value_or_losses<T>(c, [&](auto... out) { return nn::nll_loss(x, y, o, nn::grad<"input"> = g, out...); });
  check_tensor(c, g, "grad_input");
}

template <class T>
void kernel_case(const Rows<T>& x, const Labels& y, const std::string& what) {
  using namespace xloss::nn::nll;
  Vec<T> w = Vec<T>::LinSpaced(x.cols(), 0.5, 2);
  nn::detail::class_targets<T> t("nll_loss", y, x.rows(), x.cols(), w, 1);  // class 1 ignored
  struct out {
    Rows<T> g;
    Vec<T> losses;
  } f, s;
  auto run = [&](auto eval, out& o, xloss::reduction r) {
    return eval(loss, r, input = x, target = t.labels, sample_weight = t.weight, xloss::grad(input) = o.g,
                xloss::loss_out = o.losses);
  };
  for (auto r : {xloss::reduction::none, xloss::reduction::mean}) {
    check_values(run(fused, f, r), run(slow, s, r), what);
    check_kernel<T>(f.losses, s.losses, what + " losses");
    check_kernel<T>(f.g, s.g, what + " grad input");
  }
}

template <class T>
void kernel_sizes() {
  std::mt19937_64 gen(5);
  for (long n : sample_counts)
    for (long d : row_lengths)
      if (affordable(n, d)) kernel_case<T>(uniform<T>(gen, n, d, -30, 0), random_labels(gen, n, d), size_name<T>(n, d));
  kernel_case<T>(Rows<T>::Constant(3, 4, T(-1e30)), Labels::LinSpaced(3, 0, 2), "huge");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(nll_loss)

BOOST_AUTO_TEST_CASE(pytorch_reference) {
  check_reference("nll_loss", 60, reference_case<float>, reference_case<double>);
}

BOOST_AUTO_TEST_CASE(finite_differences) {
  std::mt19937_64 gen(1);
  Rows<double> x = uniform<double>(gen, 9, 5, -4, 0), g;
  Labels y = random_labels(gen, 9, 5);
  y(2) = -100;
  nn::nll_loss_options<double> o{.weight = Vec<double>::LinSpaced(5, 0.5, 2)};
  nn::nll_loss(x, y, o, nn::grad<"input"> = g);
  auto f = [&] { return nn::nll_loss(x, y, o); };
  BOOST_TEST(xloss::testing::close(g, xloss::testing::fd_gradient(f, x), 1e-6, 1e-8));
}

BOOST_AUTO_TEST_CASE(kernel_vs_reference_evaluator) {
  kernel_sizes<double>();
  kernel_sizes<float>();
}

BOOST_AUTO_TEST_CASE(bad_inputs) {
  Rows<double> x = Rows<double>::Zero(3, 4);
  Labels y(3), y2(2);
  y << 0, 4, 1;
  y2 << 0, 1;
  throws_naming([&] { nn::nll_loss(x, y); }, "'target' is 4");
  y(1) = -1;
  throws_naming([&] { nn::nll_loss(x, y); }, "'target' is -1");
  throws_naming([&] { nn::nll_loss(x, y2); }, "'target'");
  throws_naming([&] { nn::nll_loss(x, Labels::Zero(3), {.weight = Vec<double>::Ones(3)}); }, "'weight'");
  // ignore_index makes an out-of-range label legal, and only that one.
  BOOST_CHECK_NO_THROW(nn::nll_loss(x, y, {.ignore_index = -1}));
  throws_naming([&] { nn::nll_loss(x, y, {.ignore_index = 4}); }, "'target' is -1");
}

BOOST_AUTO_TEST_SUITE_END()
