// MultiLabelMarginLoss: PyTorch reference data, finite differences, fused
// kernel vs the reference evaluator, bad inputs.
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
  Vec<T> losses;
  nn::multilabel_margin_loss_options o{reduction_of(c)};
  T value = o.reduction == xloss::reduction::none
                ? nn::multilabel_margin_loss(x, y, o, nn::grad<"input"> = g, xloss::loss_out = losses)
                : nn::multilabel_margin_loss(x, y, o, nn::grad<"input"> = g);
  if (o.reduction == xloss::reduction::none) check_losses(c, losses);
  else check_value(c, value);
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

// The first group of slots, as the wrapper evaluates it.
template <class T>
void kernel_case(const Rows<T>& x, const Targets& y, const std::string& what) {
  using namespace xloss::nn::multilabel_margin;
  nn::detail::target_lists<T> lists(y, x.rows(), x.cols());
  std::vector<Labels> label(slots, Labels(x.rows()));
  std::vector<Vec<T>> score(slots, Vec<T>(x.rows())), count(slots, Vec<T>(x.rows()));
  lists.fill(0, x, label, score, count);
  struct out {
    Rows<T> g;
    Vec<T> g0, g1, g2, g3, losses;
  } f, s;
  for (auto r : {xloss::reduction::none, xloss::reduction::mean}) {
    auto run = [&](auto eval, out& o) {
      return eval(loss, r, input = x, not_target = lists.not_target, n_classes = double(x.cols()), score0 = score[0],
                  score1 = score[1], score2 = score[2], score3 = score[3], count0 = count[0], count1 = count[1],
                  count2 = count[2], count3 = count[3], xloss::grad(input) = o.g, xloss::grad(score0) = o.g0,
                  xloss::grad(score1) = o.g1, xloss::grad(score2) = o.g2, xloss::grad(score3) = o.g3,
                  xloss::loss_out = o.losses);
    };
    check_values(run(fused, f), run(slow, s), what);
    check_kernel<T>(f.losses, s.losses, what + " losses");
    check_kernel<T>(f.g, s.g, what + " grad input");
    check_kernel<T>(f.g0, s.g0, what + " grad score0");
    check_kernel<T>(f.g3, s.g3, what + " grad score3");
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
  auto cases = xloss::testing::load_reference(xloss::testing::reference_path("multilabel_margin_loss"));
  BOOST_REQUIRE_EQUAL(cases.size(), 26u);
  for (const auto& c : cases) is_f32(c) ? reference_case<float>(c) : reference_case<double>(c);
}

BOOST_AUTO_TEST_CASE(finite_differences) {
  // Up to 9 distinct targets: three evaluations of 4 slots added up.
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

BOOST_AUTO_TEST_CASE(groups_of_slots_add_up) {
  // Per-sample losses over several evaluations equal the sum, with threads.
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

BOOST_AUTO_TEST_CASE(kernel_vs_reference_evaluator) {
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
