#include <xloss/nn/huber_loss.hpp>

#include "common.hpp"

namespace {
using namespace xloss_test;
using xloss::scalar;

struct spec : spec_base {
  static constexpr const char* name = "huber_loss";
  static constexpr std::array<std::string_view, 2> args{"input", "target"};
  static constexpr std::array<std::string_view, 2> grads{"input", "target"};
  template <class T>
  static T call(const std::vector<Mat<T>>& a, const ref_case& c, xloss::nn::kl_div_reduction r, outs<T, Mat<T>>& o) {
    return xloss::nn::huber_loss(a[0], a[1], {.reduction = r.base, .delta = static_cast<T>(c.opt_num("delta", 1.0))}, xloss::nn::grad<"input"> = o.g[0],
                               xloss::nn::grad<"target"> = o.g[1], xloss::loss_out = o.loss);
  }
  template <class T>
  static T ref(const std::vector<Vec<T>>& a, xloss::reduction r, outs<T, Vec<T>>& o) {
    return xloss::reference::evaluate(xloss::nn::huber_loss_expr, r, scalar<"input"> = a[0], scalar<"target"> = a[1], xloss::param<"delta"> = T(1.0),
                                      xloss::grad(scalar<"input">) = o.g[0], xloss::grad(scalar<"target">) = o.g[1],
                                      xloss::loss_out = o.loss);
  }
  template <class T>
  static std::vector<Mat<T>> gen(Eigen::Index n, bool smooth) {
    draw d;
    Mat<T> x = d.uniform<T>(n, -3, 3), y = d.uniform<T>(n, -3, 3);
    if (!smooth) d.sprinkle<T>(x, {1e150, -1e150, 0.0, 1.0, -1.0}, 7), y.topRows(std::min<Eigen::Index>(n, 3)) = x.topRows(std::min<Eigen::Index>(n, 3));
    return {x, y};
  }
};
}  // namespace

BOOST_AUTO_TEST_SUITE(huber_loss)
BOOST_AUTO_TEST_CASE(reference_data) { check_reference<spec>(); }
BOOST_AUTO_TEST_CASE(fused_vs_reference) {
  check_fused_vs_reference<spec, double>();
  check_fused_vs_reference<spec, float>();
}
BOOST_AUTO_TEST_CASE(finite_differences) { check_finite_differences<spec>(); }
BOOST_AUTO_TEST_CASE(bad_inputs) {
  Mat<double> x = Mat<double>::Zero(3, 4), y = Mat<double>::Zero(4, 3), g;
  Eigen::MatrixXd col_major_g;
  expect_invalid([&] { xloss::nn::huber_loss(x, y); }, "target");
  expect_invalid([&] { xloss::nn::huber_loss(x, x, {}, xloss::nn::grad<"input"> = col_major_g); }, "grad<\"input\">");
  expect_invalid([&] { xloss::nn::huber_loss(x.block(0, 0, 2, 2), x.block(0, 0, 2, 2)); }, "input");
  expect_invalid([&] { xloss::nn::huber_loss(x, x, {.reduction = xloss::reduction(7)}); }, "reduction");
  expect_invalid([&] { xloss::nn::huber_loss(x, x, {.delta = 0.0}); }, "delta");
  expect_invalid([&] { xloss::nn::huber_loss(x, x, {.delta = NAN}); }, "delta");
}
BOOST_AUTO_TEST_SUITE_END()
