#include <xloss/nn/binary_cross_entropy_with_logits.hpp>

#include "common.hpp"

namespace {
using namespace xloss_test;
using xloss::scalar;

struct spec : spec_base {
  static constexpr const char* name = "binary_cross_entropy_with_logits";
  static constexpr std::array<std::string_view, 4> args{"input", "target", "weight", "pos_weight"};
  static constexpr std::array<std::string_view, 2> grads{"input", "target"};
  template <class T>
  static T call(const std::vector<Mat<T>>& a, const ref_case&, xloss::nn::kl_div_reduction r, outs<T, Mat<T>>& o) {
    xloss::nn::binary_cross_entropy_with_logits_options<T> opt{.reduction = r.base};
    if (a[2].size() > 0) opt.weight.emplace(a[2]);
    if (a[3].size() > 0) opt.pos_weight.emplace(a[3]);
    return xloss::nn::binary_cross_entropy_with_logits(a[0], a[1], opt, xloss::nn::grad<"input"> = o.g[0],
                                                       xloss::nn::grad<"target"> = o.g[1], xloss::loss_out = o.loss);
  }
  template <class T>
  static T ref(const std::vector<Vec<T>>& a, xloss::reduction r, outs<T, Vec<T>>& o) {
    return xloss::reference::evaluate(xloss::nn::binary_cross_entropy_with_logits_expr<true, true>(), r,
                                      scalar<"input"> = a[0], scalar<"target"> = a[1], scalar<"weight"> = a[2],
                                      scalar<"pos_weight"> = a[3], xloss::grad(scalar<"input">) = o.g[0],
                                      xloss::grad(scalar<"target">) = o.g[1], xloss::loss_out = o.loss);
  }
  template <class T>
  static std::vector<Mat<T>> gen(Eigen::Index n, bool smooth) {
    draw d;
    Mat<T> x = d.uniform<T>(n, -6, 6), y = d.uniform<T>(n, 0, 1), w = d.uniform<T>(n, 0.5, 2),
           p = d.uniform<T>(n, 0.5, 3);
    if (!smooth) d.sprinkle<T>(x, {800.0, -800.0, 40.0, -40.0, 0.0, 100.0}, 2), d.sprinkle<T>(y, {0.0, 1.0, 0.5}, 3);
    return {x, y, w, p};
  }
};
}  // namespace

BOOST_AUTO_TEST_SUITE(binary_cross_entropy_with_logits)
BOOST_AUTO_TEST_CASE(reference_data) { check_reference<spec>(); }
BOOST_AUTO_TEST_CASE(fused_vs_reference) {
  check_fused_vs_reference<spec, double>();
  check_fused_vs_reference<spec, float>();
}
BOOST_AUTO_TEST_CASE(finite_differences) { check_finite_differences<spec>(); }
BOOST_AUTO_TEST_CASE(bad_inputs) {
  Mat<double> x = Mat<double>::Zero(3, 4), p = Mat<double>::Ones(4, 1), w = Mat<double>::Ones(1, 3);
  expect_invalid([&] { xloss::nn::binary_cross_entropy_with_logits(x, x, {.pos_weight = p}); }, "pos_weight");
  expect_invalid([&] { xloss::nn::binary_cross_entropy_with_logits(x, x, {.weight = w}); }, "weight");
  expect_invalid([&] { xloss::nn::binary_cross_entropy_with_logits(x, Vec<double>::Zero(12).eval()); }, "target");
}
BOOST_AUTO_TEST_SUITE_END()
