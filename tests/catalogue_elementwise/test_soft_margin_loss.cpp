#include <xloss/nn/soft_margin_loss.hpp>

#include "common.hpp"

namespace {
using namespace xloss_test;
using xloss::scalar;

struct spec : spec_base {
  static constexpr const char* name = "soft_margin_loss";
  static constexpr std::array<std::string_view, 2> args{"input", "target"};
  static constexpr std::array<std::string_view, 1> grads{"input"};
  template <class T>
  static T call(const std::vector<Mat<T>>& a, const ref_case&, xloss::nn::kl_div_reduction r, outs<T, Mat<T>>& o) {
    return xloss::nn::soft_margin_loss(a[0], a[1], {.reduction = r.base}, xloss::nn::grad<"input"> = o.g[0],
                                       xloss::loss_out = o.loss);
  }
  template <class T>
  static T ref(const std::vector<Vec<T>>& a, xloss::reduction r, outs<T, Vec<T>>& o) {
    return xloss::reference::evaluate(xloss::nn::soft_margin_loss_expr, r, scalar<"input"> = a[0],
                                      scalar<"target"> = a[1], xloss::grad(scalar<"input">) = o.g[0],
                                      xloss::loss_out = o.loss);
  }
  template <class T>
  static std::vector<Mat<T>> gen(Eigen::Index n, bool smooth) {
    draw d;
    Mat<T> x = d.uniform<T>(n, -4, 4), y = d.uniform<T>(n, -1, 1);
    for (auto& v : y.reshaped()) v = v < 0 ? T(-1) : T(1);
    if (!smooth) d.sprinkle<T>(x, {800.0, -800.0, 80.0, -80.0, 0.0, 40.0, -1e30});
    return {x, y};
  }
};
}  // namespace

BOOST_AUTO_TEST_SUITE(soft_margin_loss)
BOOST_AUTO_TEST_CASE(reference_data) { check_reference<spec>(); }
BOOST_AUTO_TEST_CASE(fused_vs_reference) {
  check_fused_vs_reference<spec, double>();
  check_fused_vs_reference<spec, float>();
}
BOOST_AUTO_TEST_CASE(finite_differences) { check_finite_differences<spec>(); }
BOOST_AUTO_TEST_CASE(bad_inputs) {
  Mat<double> x = Mat<double>::Zero(3, 4), y = Mat<double>::Zero(2, 4);
  expect_invalid([&] { xloss::nn::soft_margin_loss(x, y); }, "target");
  expect_invalid([&] { xloss::nn::soft_margin_loss(x, Vec<double>::Zero(4).eval()); }, "target");  // (4, 1): not a row
}
BOOST_AUTO_TEST_SUITE_END()
