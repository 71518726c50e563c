// MultiLabelMarginLoss: PyTorch reference data, finite differences, the loss
// vs its definition on random and extreme inputs, bad inputs. Only the
// interface is tested: how the loss evaluates its double sum is internal.
#include <vector>

#include <xloss/nn/multilabel_margin_loss.hpp>

#include "common.hpp"

using namespace rows_test;
namespace nn = xloss::nn;

namespace {

using Targets = Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

template <class T>
void reference_case(const ref_case& c) {
  Rows<T> x = rows<T>(c.at("input")), g;
  Targets y = rows<double>(c.at("target")).cast<std::int64_t>();
  nn::multilabel_margin_loss_options o{reduction_of(c)};
  check_value_or_losses<T>(c, [&](auto... out) {
    return nn::multilabel_margin_loss(x, y, o, nn::grad<"input"> = g, out...);
  });
  check_tensor(c, g, "grad_input");
}

// −1-terminated lists of random length (duplicates allowed), junk after the −1.
Targets random_targets(std::mt19937_64& gen, long n, long classes) {
  Targets y(n, classes);
  for (long i = 0; i < n; ++i) {
    long len = static_cast<long>(gen() % static_cast<unsigned long>(classes + 1));
    for (long k = 0; k < classes; ++k)
      y(i, k) = k == len ? -1 : static_cast<std::int64_t>(gen() % static_cast<unsigned long>(classes));
  }
  return y;
}

// The loss by its definition (pytorch_losses.md §7), summed in long double:
// per-sample losses l = (1/C)·Σ_{j∈J} Σ_{k∉J} relu(1 − x[j] + x[k]) and the
// gradient of their sum (relu' = 0 at 0). The hinge argument is rounded to T
// as the loss rounds it, so both take the same side of every kink.
template <class T>
struct by_definition {
  Vec<long double> losses;
  Rows<long double> grad;

  by_definition(const Rows<T>& x, const Targets& y) : losses(Vec<long double>::Zero(x.rows())),
                                                      grad(Rows<long double>::Zero(x.rows(), x.cols())) {
    const long classes = x.cols();
    const long double share = 1.0L / static_cast<long double>(classes);
    for (long i = 0; i < x.rows(); ++i) {
      std::vector<bool> target(static_cast<std::size_t>(classes), false);
      long len = 0;
      while (len < classes && y(i, len) != -1) target[static_cast<std::size_t>(y(i, len++))] = true;
      for (long t = 0; t < len; ++t) {
        const auto j = static_cast<long>(y(i, t));
        for (long k = 0; k < classes; ++k) {
          const T z = T(1) - x(i, j) + x(i, k);
          if (target[static_cast<std::size_t>(k)] || !(z > 0)) continue;
          losses(i) += static_cast<long double>(z) * share;
          grad(i, j) -= share;
          grad(i, k) += share;
        }
      }
    }
  }
};

// The loss through its interface against its definition: value, per-sample
// losses and gradient, whatever evaluations the loss makes inside.
template <class T>
void kernel_case(const Rows<T>& x, const Targets& y, const std::string& what) {
  const by_definition<T> want(x, y);
  for (auto r : {xloss::reduction::none, xloss::reduction::mean}) {
    const long double n = r == xloss::reduction::mean ? static_cast<long double>(x.rows()) : 1.0L;
    Rows<T> g;
    Vec<T> losses;
    T value = nn::multilabel_margin_loss(x, y, {r}, nn::grad<"input"> = g, xloss::loss_out = losses);
    check_values(value, static_cast<T>(want.losses.sum() / n), what);
    check_kernel<T>(losses, want.losses, what + " losses");
    check_kernel<T>(g, Rows<long double>(want.grad / n), what + " grad input");
  }
}

template <class T>
void kernel_sizes() {
  std::mt19937_64 gen(19);
  for (long n : sample_counts)
    for (long d : row_lengths)
      if (affordable(n, d)) kernel_case<T>(uniform<T>(gen, n, d, -1, 1), random_targets(gen, n, d), size_name<T>(n, d));
  // Quarter steps: many margins exactly at the kink z = 0.
  Rows<T> steps = (uniform<T>(gen, 9, 6, -4, 4).array().round() / 4).matrix();
  kernel_case<T>(steps, random_targets(gen, 9, 6), "kinks");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(multilabel_margin_loss)

BOOST_AUTO_TEST_CASE(pytorch_reference) {
  check_reference("multilabel_margin_loss", 26, reference_case<float>, reference_case<double>);
}

BOOST_AUTO_TEST_CASE(finite_differences) {
  // Lists of up to 9 targets, one of them the full row.
  std::mt19937_64 gen(1);
  Rows<double> x = uniform<double>(gen, 7, 9), g;
  Targets y = random_targets(gen, 7, 9);
  for (long k = 0; k < 9; ++k) y(0, k) = (k * 4) % 9;  // a full list
  for (auto r : {xloss::reduction::sum, xloss::reduction::mean}) {
    nn::multilabel_margin_loss(x, y, {r}, nn::grad<"input"> = g);
    auto f = [&] { return nn::multilabel_margin_loss(x, y, {r}); };
    BOOST_TEST(xloss::testing::close(g, xloss::testing::fd_gradient(f, x), 1e-6, 1e-8));
  }
}

BOOST_AUTO_TEST_CASE(reductions_agree) {
  // Per-sample losses (2 threads) add up to the sum, with the same gradient.
  std::mt19937_64 gen(2);
  Rows<double> x = uniform<double>(gen, 40, 11), g1, g2;
  Targets y = random_targets(gen, 40, 11);
  Vec<double> losses;
  double total = nn::multilabel_margin_loss(x, y, {xloss::reduction::none}, nn::grad<"input"> = g1,
                                            xloss::loss_out = losses, xloss::threads(2));
  double sum = nn::multilabel_margin_loss(x, y, {xloss::reduction::sum}, nn::grad<"input"> = g2);
  BOOST_TEST(losses.sum() == total, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(sum == total, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(xloss::testing::close(g1, g2, 1e-12, 1e-14));
}

BOOST_AUTO_TEST_CASE(loss_vs_definition) {
  kernel_sizes<double>();
  kernel_sizes<float>();
}

BOOST_AUTO_TEST_CASE(empty_batch) {
  // PyTorch 1.13 returns uninitialised memory here; xloss: mean of nothing is NaN, the sum 0.
  Rows<double> x(0, 4);
  Targets y(0, 4);
  BOOST_TEST(std::isnan(nn::multilabel_margin_loss(x, y)));
  BOOST_TEST(nn::multilabel_margin_loss(x, y, {xloss::reduction::sum}) == 0.0);
}

BOOST_AUTO_TEST_CASE(bad_inputs) {
  Rows<double> x = Rows<double>::Zero(2, 4);
  Targets y = Targets::Constant(2, 4, -1);
  y(1, 3) = 4;  // out of range after the −1: PyTorch rejects it too
  throws_naming([&] { nn::multilabel_margin_loss(x, y); }, "'target' is 4");
  y(1, 3) = -2;
  throws_naming([&] { nn::multilabel_margin_loss(x, y); }, "'target' is -2");
  throws_naming([&] { nn::multilabel_margin_loss(x, Targets(Targets::Zero(2, 3))); }, "'target'");
}

BOOST_AUTO_TEST_SUITE_END()
