// MultiMarginLoss: PyTorch reference data, finite differences, the loss vs
// its definition on random and extreme inputs, bad inputs. Only the interface
// is tested: the loss's expression is internal and changes with the engine.
#include <optional>

#include <xloss/nn/multi_margin_loss.hpp>

#include "common.hpp"

using namespace rows_test;
namespace nn = xloss::nn;

namespace {

template <class T>
void reference_case(const ref_case& c) {
  Rows<T> x = rows<T>(c.at("input")), g;
  Labels y = labels(c.at("target"));
  nn::multi_margin_loss_options<T> o{.p = static_cast<int>(c.opt_num("p", 1)), .margin = c.opt_num("margin", 1),
                                     .reduction = reduction_of(c)};
  if (c.opt_num("weight", 0) != 0) o.weight = flat<T>(c.at("weight"));
  check_value_or_losses<T>(c, [&](auto... out) {
    return nn::multi_margin_loss(x, y, o, nn::grad<"input"> = g, out...);
  });
  check_tensor(c, g, "grad_input");
}

// The loss by its definition (pytorch_losses.md appendix A), summed in long
// double: per-sample losses l = (1/C)·Σ_{j≠y} w[y]·relu(margin − x[y] + x[j])^p
// and the gradient of their sum (relu' = 0 at 0). The hinge argument is
// rounded to T as the loss rounds it, so both take the same side of every kink.
template <class T>
struct by_definition {
  Vec<long double> losses;
  Rows<long double> grad;

  by_definition(const Rows<T>& x, const Labels& y, int p, double margin, const Vec<T>& w)
      : losses(Vec<long double>::Zero(x.rows())), grad(Rows<long double>::Zero(x.rows(), x.cols())) {
    const long double classes = static_cast<long double>(x.cols());
    for (long i = 0; i < x.rows(); ++i) {
      const auto t = static_cast<long>(y(i));
      const long double wt = w(t);
      for (long k = 0; k < x.cols(); ++k) {
        const T z = static_cast<T>(margin) - x(i, t) + x(i, k);
        if (k == t || !(z > 0)) continue;
        const long double zl = z;
        losses(i) += wt * (p == 1 ? zl : zl * zl) / classes;
        const long double d = wt * (p == 1 ? 1 : 2 * zl) / classes;
        grad(i, k) += d;
        grad(i, t) -= d;
      }
    }
  }
};

// The loss through its interface against its definition: p = 1 unweighted,
// p = 2 weighted (w[y] = 0.5 + y), value, per-sample losses and gradient.
template <class T>
void kernel_case(const Rows<T>& x, const Labels& y, const std::string& what) {
  const Vec<T> ones = Vec<T>::Ones(x.cols()), w = Vec<T>::LinSpaced(x.cols(), T(0.5), T(0.5) + T(x.cols() - 1));
  struct variant {
    int p;
    double margin;
    std::optional<Vec<T>> weight;
    std::string name;
  };
  for (const variant& v : {variant{1, 1.0, std::nullopt, " p=1"}, variant{2, 0.5, w, " p=2"}}) {
    const by_definition<T> want(x, y, v.p, v.margin, v.weight.value_or(ones));
    for (auto r : {xloss::reduction::none, xloss::reduction::mean}) {
      const long double n = r == xloss::reduction::mean ? static_cast<long double>(x.rows()) : 1.0L;
      nn::multi_margin_loss_options<T> o{.p = v.p, .margin = v.margin, .weight = v.weight, .reduction = r};
      Rows<T> g;
      Vec<T> losses;
      T value = nn::multi_margin_loss(x, y, o, nn::grad<"input"> = g, xloss::loss_out = losses);
      check_values(value, static_cast<T>(want.losses.sum() / n), what + v.name);
      check_kernel<T>(losses, want.losses, what + v.name + " losses");
      check_kernel<T>(g, Rows<long double>(want.grad / n), what + v.name + " grad");
    }
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
  check_reference("multi_margin_loss", 74, reference_case<float>, reference_case<double>);
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

BOOST_AUTO_TEST_CASE(loss_vs_definition) {
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
