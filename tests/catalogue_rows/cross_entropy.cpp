// CrossEntropyLoss (class indices and probabilities): PyTorch reference data,
// finite differences, fused kernel vs the reference evaluator, bad inputs. The
// float32 checks are compiled in cross_entropy_f32.cpp (cross_entropy.hpp says why).
#include "cross_entropy.hpp"

using namespace rows_test;
using namespace rows_test::cross_entropy_test;

BOOST_AUTO_TEST_SUITE(cross_entropy)

BOOST_AUTO_TEST_CASE(pytorch_reference) {
  check_reference("cross_entropy", 126, reference_case<float>, reference_case<double>);
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
