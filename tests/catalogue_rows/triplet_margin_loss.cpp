// TripletMarginLoss: PyTorch reference data, finite differences, fused kernel
// vs the reference evaluator, bad inputs. The float32 checks are compiled in
// triplet_margin_loss_f32.cpp (triplet_margin_loss.hpp says why).
#include "triplet_margin_loss.hpp"

using namespace rows_test;
using namespace rows_test::triplet_test;

BOOST_AUTO_TEST_SUITE(triplet_margin_loss)

BOOST_AUTO_TEST_CASE(pytorch_reference) {
  check_reference("triplet_margin_loss", 174, reference_case<float>, reference_case<double>);
}

BOOST_AUTO_TEST_CASE(finite_differences) {
  std::mt19937_64 gen(1);
  Rows<double> a = uniform<double>(gen, 6, 9), p = uniform<double>(gen, 6, 9), n = uniform<double>(gen, 6, 9);
  for (double pn : {1.0, 2.0, 3.0, double(INFINITY)})
    for (bool swap : {false, true}) {
      nn::triplet_margin_loss_options o{.margin = 0.3, .p = pn, .swap = swap, .reduction = xloss::reduction::sum};
      Rows<double> ga, gp, gn;
      nn::triplet_margin_loss(a, p, n, o, nn::grad<"anchor"> = ga, nn::grad<"positive"> = gp, nn::grad<"negative"> = gn);
      auto f = [&] { return nn::triplet_margin_loss(a, p, n, o); };
      std::string what = "p=" + std::to_string(pn) + " swap=" + std::to_string(swap);
      BOOST_TEST(xloss::testing::close(ga, xloss::testing::fd_gradient(f, a), 1e-6, 1e-7), what);
      BOOST_TEST(xloss::testing::close(gp, xloss::testing::fd_gradient(f, p), 1e-6, 1e-7), what);
      BOOST_TEST(xloss::testing::close(gn, xloss::testing::fd_gradient(f, n), 1e-6, 1e-7), what);
    }
}

BOOST_AUTO_TEST_CASE(kernel_vs_reference_evaluator) {
  kernel_sizes<double>();
  kernel_sizes<float>();
}

BOOST_AUTO_TEST_CASE(bad_inputs) {
  Rows<double> a = Rows<double>::Zero(3, 4), b = Rows<double>::Zero(3, 5), c = Rows<double>::Zero(2, 4);
  throws_naming([&] { nn::triplet_margin_loss(a, b, a); }, "positive");
  throws_naming([&] { nn::triplet_margin_loss(a, a, c); }, "negative");
  throws_naming([&] { nn::triplet_margin_loss(a, a, a, {.p = 0}); }, "'p'");
  throws_naming([&] { nn::triplet_margin_loss(a, a, a, {.p = -1}); }, "'p'");
  throws_naming([&] { nn::triplet_margin_loss(a, a, a, {.reduction = xloss::reduction::none}); }, "loss_out");
}

BOOST_AUTO_TEST_SUITE_END()
