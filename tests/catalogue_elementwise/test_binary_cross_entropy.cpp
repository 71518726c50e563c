#include <xloss/nn/binary_cross_entropy.hpp>

#include "common.hpp"

namespace {
using namespace xloss_test;
using xloss::scalar;

struct spec {
  static constexpr const char* name = "binary_cross_entropy";
  static constexpr std::array<std::string_view, 3> args{"input", "target", "weight"};
  static constexpr std::array<std::string_view, 2> grads{"input", "target"};
  // Where a log is clamped at −100, or x(1 − x) < 1e−12 (PyTorch's floor of
  // the input gradient's denominator), xloss's gradients are the exact
  // derivatives of the clamped value, computed here from the definition.
  template <class A>
  static double expected(const ref_case& c, const std::string& what, Eigen::Index k, double v, const A& a) {
    if (what == "out") return v;
    const double x = double(a[0](k)), y = double(a[1](k));
    const bool lo = !(std::log(x) >= -100), hi = !(std::log1p(-x) >= -100);  // clamped logs
    const bool floor = x * (1 - x) < double(float(1e-12));
    if (!(lo || hi || floor)) return v;
    const auto& w = a[2];
    const Eigen::Index r = k / a[0].cols(), col = k % a[0].cols();
    const double wk = w.size() == 0 ? 1 : double(w(w.rows() == 1 ? 0 : r, w.cols() == 1 ? 0 : col));
    const double s = wk / (c.opt("reduction", "mean") == "mean" ? double(a[0].size()) : 1.0);
    if (what == "grad_input") return s * ((lo ? 0 : -y / x) + (hi ? 0 : (1 - y) / (1 - x)));
    return s * ((lo ? 100 : -std::log(x)) + (hi ? -100 : std::log1p(-x)));  // grad_target
  }
  template <class T>
  static T call(const std::vector<Mat<T>>& a, const ref_case&, xloss::nn::kl_div_reduction r, outs<T, Mat<T>>& o) {
    xloss::nn::binary_cross_entropy_options<T> opt{.reduction = r.base};
    if (a[2].size() > 0) opt.weight.emplace(a[2]);
    return xloss::nn::binary_cross_entropy(a[0], a[1], opt, xloss::nn::grad<"input"> = o.g[0],
                                           xloss::nn::grad<"target"> = o.g[1], xloss::loss_out = o.loss);
  }
  template <class T>
  static T ref(const std::vector<Vec<T>>& a, xloss::reduction r, outs<T, Vec<T>>& o) {
    return xloss::reference::evaluate(xloss::nn::binary_cross_entropy_weighted_expr, r, scalar<"input"> = a[0],
                                      scalar<"target"> = a[1], scalar<"weight"> = a[2],
                                      xloss::grad(scalar<"input">) = o.g[0], xloss::grad(scalar<"target">) = o.g[1],
                                      xloss::loss_out = o.loss);
  }
  template <class T>
  static std::vector<Mat<T>> gen(Eigen::Index n, bool smooth) {
    draw d;
    Mat<T> x = d.uniform<T>(n, 0.02, 0.98), y = d.uniform<T>(n, 0, 1), w = d.uniform<T>(n, 0.5, 2);
    if (!smooth) d.sprinkle<T>(x, {0.0, 1.0, 1e-30, 1e-50, 0.5, 1 - 1e-7}, 3), d.sprinkle<T>(y, {0.0, 1.0, 0.3}, 2);
    return {x, y, w};
  }
};
}  // namespace

BOOST_AUTO_TEST_SUITE(binary_cross_entropy)
BOOST_AUTO_TEST_CASE(reference_data) { check_reference<spec>(); }
BOOST_AUTO_TEST_CASE(fused_vs_reference) {
  check_fused_vs_reference<spec, double>();
  check_fused_vs_reference<spec, float>();
}
BOOST_AUTO_TEST_CASE(finite_differences) { check_finite_differences<spec>(); }
BOOST_AUTO_TEST_CASE(bad_inputs) {
  Mat<double> x = Mat<double>::Constant(3, 4, 0.5), bad = x, w = Mat<double>::Ones(2, 4);
  bad(1, 2) = 1.5;
  expect_invalid([&] { xloss::nn::binary_cross_entropy(bad, x); }, "input");
  expect_invalid([&] { xloss::nn::binary_cross_entropy(x, bad); }, "target");
  bad(1, 2) = NAN;
  expect_invalid([&] { xloss::nn::binary_cross_entropy(bad, x); }, "input");
  bad(1, 2) = -0.25;
  expect_invalid([&] { xloss::nn::binary_cross_entropy(x, bad); }, "target");
  expect_invalid([&] { xloss::nn::binary_cross_entropy(x, x, {.weight = w}); }, "weight");
  expect_invalid([&] { xloss::nn::binary_cross_entropy(x, x.topRows(2).eval()); }, "target");
  // Row-major data is checked along its rows; the message still names the
  // first bad element in column order, whatever the layout.
  for (int cols : {4, 37}) {
    Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> r =
        Eigen::MatrixXd::Constant(3, cols, 0.5), c = r;
    r(0, cols - 1) = 2;
    r(2, 1) = -1;
    try {
      xloss::nn::binary_cross_entropy(r, c);
      BOOST_ERROR("no exception for a row-major input outside [0, 1]");
    } catch (const std::invalid_argument& e) {
      BOOST_TEST(std::string(e.what()).find("at (2, 1)") != std::string::npos, "message: " << e.what());
    }
  }
}
BOOST_AUTO_TEST_SUITE_END()
