#include <xloss/nn/kl_div.hpp>

#include "common.hpp"

namespace {
using namespace xloss_test;
using xloss::scalar;

struct spec {
  static constexpr const char* name = "kl_div";
  static constexpr std::array<std::string_view, 2> args{"input", "target"};
  static constexpr std::array<std::string_view, 2> grads{"input", "target"};
  // The target gradient at t = 0 (log_target = false) is −input (the
  // derivative of the xlogy branch taken there); PyTorch gives NaN.
  template <class A>
  static double expected(const ref_case& c, const std::string& what, Eigen::Index k, double v, const A& a) {
    if (what != "grad_target" || c.opt_num("log_target", 0) != 0 || a[1](k) != 0) return v;
    const std::string r = c.opt("reduction", "mean");
    const double n = r == "mean" ? double(a[0].size()) : r == "batchmean" ? double(a[0].rows()) : 1.0;
    return -double(a[0](k)) / n;
  }
  template <class T>
  static T call(const std::vector<Mat<T>>& a, const ref_case& c, xloss::nn::kl_div_reduction r, outs<T, Mat<T>>& o) {
    return xloss::nn::kl_div(a[0], a[1], {.reduction = r, .log_target = c.opt_num("log_target", 0) != 0},
                             xloss::nn::grad<"input"> = o.g[0], xloss::nn::grad<"target"> = o.g[1],
                             xloss::loss_out = o.loss);
  }
  template <class T>
  static T ref(const std::vector<Vec<T>>& a, xloss::reduction r, outs<T, Vec<T>>& o) {
    return xloss::reference::evaluate(xloss::nn::kl_div_expr, r, scalar<"input"> = a[0], scalar<"target"> = a[1],
                                      xloss::grad(scalar<"input">) = o.g[0], xloss::grad(scalar<"target">) = o.g[1],
                                      xloss::loss_out = o.loss);
  }
  template <class T>
  static std::vector<Mat<T>> gen(Eigen::Index n, bool smooth) {
    draw d;
    Mat<T> x = d.uniform<T>(n, -5, 0), t = d.uniform<T>(n, 0.01, 1);
    if (!smooth) d.sprinkle<T>(x, {-1000.0, -700.0, 50.0, 0.0}, 3), d.sprinkle<T>(t, {0.0, 1.0, 1e-300}, 4);
    return {x, t};
  }
};
}  // namespace

BOOST_AUTO_TEST_SUITE(kl_div)
BOOST_AUTO_TEST_CASE(reference_data) { check_reference<spec>(); }
BOOST_AUTO_TEST_CASE(fused_vs_reference) {
  check_fused_vs_reference<spec, double>();
  check_fused_vs_reference<spec, float>();
}
BOOST_AUTO_TEST_CASE(finite_differences) { check_finite_differences<spec>(); }
BOOST_AUTO_TEST_CASE(log_target_fused_vs_reference) {
  Vec<double> x = Vec<double>::LinSpaced(101, -6, 0), t = Vec<double>::LinSpaced(101, -800, 40), g1, g2, h1, h2;
  double a = xloss::nn::kl_div(x, t, {.reduction = xloss::nn::batchmean, .log_target = true},
                               xloss::nn::grad<"input"> = g1, xloss::nn::grad<"target"> = h1);
  double b = xloss::reference::evaluate(xloss::nn::kl_div_log_target_expr, xloss::reduction::sum, scalar<"input"> = x,
                                        scalar<"target"> = t, xloss::divide_by(101), xloss::grad(scalar<"input">) = g2,
                                        xloss::grad(scalar<"target">) = h2);
  BOOST_TEST(close(Mat<double>::Constant(1, 1, a), Mat<double>::Constant(1, 1, b), 1e-12, 1e-300));
  BOOST_TEST(close(g1, g2, 1e-12, 1e-300));
  BOOST_TEST(close(h1, h2, 1e-12, 1e-300));
}
BOOST_AUTO_TEST_CASE(bad_inputs) {
  Mat<double> x = Mat<double>::Zero(3, 4), y = Mat<double>::Zero(4, 3);
  expect_invalid([&] { xloss::nn::kl_div(x, y); }, "target");
  expect_invalid([&] { xloss::nn::kl_div(x, x, {.reduction = xloss::reduction(9)}); }, "reduction");
}
BOOST_AUTO_TEST_SUITE_END()
