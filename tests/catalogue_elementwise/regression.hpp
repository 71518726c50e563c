// The regression losses (l1, mse, huber, smooth_l1) as one table. They share
// arguments, gradients, random inputs and bad-input checks; a row says only
// what differs: the xloss::nn function, the expression for the reference
// evaluator and the one option (huber's delta, smooth_l1's beta).
// add_suite<row>() registers the loss's suite with the cases it always had:
// reference_data, fused_vs_reference, finite_differences, bad_inputs. Two
// translation units register two rows each: all four in one take ~30 s to compile.
#pragma once

#include <array>
#include <cmath>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <xloss/nn/huber_loss.hpp>
#include <xloss/nn/l1_loss.hpp>
#include <xloss/nn/mse_loss.hpp>
#include <xloss/nn/smooth_l1_loss.hpp>

#include "common.hpp"

namespace xloss_test::regression {

template <class Loss, class Reference>
struct row {
  const char* name;     // PyTorch's name: the suite and the reference data file
  const char* option;   // the one option, also the expression's param name; nullptr if none
  double bad_option;    // a value the option must reject (as it must NaN)
  Loss loss;            // (input, target, reduction, option, outputs...): the xloss::nn function
  Reference reference;  // (reduction, option, bindings...): the reference evaluator on the expression
};
template <class L, class R>
row(const char*, const char*, double, L, R) -> row<L, R>;

inline constexpr row l1{
    "l1_loss", nullptr, 0,
    [](const auto& x, const auto& y, xloss::reduction r, auto, auto&&... out) {
      return xloss::nn::l1_loss(x, y, {.reduction = r}, std::forward<decltype(out)>(out)...);
    },
    [](xloss::reduction r, auto, auto&&... b) {
      return xloss::reference::evaluate(xloss::nn::l1_loss_expr, r, std::forward<decltype(b)>(b)...);
    }};

inline constexpr row mse{
    "mse_loss", nullptr, 0,
    [](const auto& x, const auto& y, xloss::reduction r, auto, auto&&... out) {
      return xloss::nn::mse_loss(x, y, {.reduction = r}, std::forward<decltype(out)>(out)...);
    },
    [](xloss::reduction r, auto, auto&&... b) {
      return xloss::reference::evaluate(xloss::nn::mse_loss_expr, r, std::forward<decltype(b)>(b)...);
    }};

inline constexpr row huber{
    "huber_loss", "delta", 0,
    [](const auto& x, const auto& y, xloss::reduction r, auto delta, auto&&... out) {
      return xloss::nn::huber_loss(x, y, {.reduction = r, .delta = delta}, std::forward<decltype(out)>(out)...);
    },
    [](xloss::reduction r, auto delta, auto&&... b) {
      return xloss::reference::evaluate(xloss::nn::huber_loss_expr, r, xloss::param<"delta"> = delta,
                                        std::forward<decltype(b)>(b)...);
    }};

inline constexpr row smooth_l1{
    "smooth_l1_loss", "beta", -1,
    [](const auto& x, const auto& y, xloss::reduction r, auto beta, auto&&... out) {
      return xloss::nn::smooth_l1_loss(x, y, {.reduction = r, .beta = beta}, std::forward<decltype(out)>(out)...);
    },
    [](xloss::reduction r, auto beta, auto&&... b) {
      return xloss::reference::evaluate(xloss::nn::smooth_l1_loss_expr, r, xloss::param<"beta"> = beta,
                                        std::forward<decltype(b)>(b)...);
    }};

// A row as the spec that common.hpp's checks take.
template <const auto& L>
struct spec {
  static constexpr const char* name = L.name;
  static constexpr std::array<std::string_view, 2> args{"input", "target"};
  static constexpr std::array<std::string_view, 2> grads{"input", "target"};

  // The case's option; 1 (the default) where it has none or the loss has none.
  template <class T>
  static T option(const ref_case& c) {
    if constexpr (L.option == nullptr) return T(1);
    else return static_cast<T>(c.opt_num(L.option, 1.0));
  }
  // An option of 0 is L1 (smooth_l1's beta = 0): the gradient at d = 0 is 0
  // (PyTorch 1.13: −1 for input and target; docs/catalogue-elementwise.md).
  template <class A>
  static double expected(const ref_case& c, const std::string& what, Eigen::Index k, double v, const A& a) {
    bool tie = a[0].size() > 0 && a[0](k) == a[1](k);
    return option<double>(c) == 0 && what.rfind("grad_", 0) == 0 && tie ? 0.0 : v;
  }
  template <class T>
  static T call(const std::vector<Mat<T>>& a, const ref_case& c, xloss::nn::kl_div_reduction r, outs<T, Mat<T>>& o) {
    return L.loss(a[0], a[1], r.base, option<T>(c), xloss::nn::grad<"input"> = o.g[0],
                  xloss::nn::grad<"target"> = o.g[1], xloss::loss_out = o.loss);
  }
  template <class T>
  static T ref(const std::vector<Vec<T>>& a, xloss::reduction r, outs<T, Vec<T>>& o) {
    using xloss::scalar;
    return L.reference(r, T(1), scalar<"input"> = a[0], scalar<"target"> = a[1], xloss::grad(scalar<"input">) = o.g[0],
                       xloss::grad(scalar<"target">) = o.g[1], xloss::loss_out = o.loss);
  }
  // Off smooth: huge values, d = 0 (the first rows tie), and d = ±1, the
  // kinks of the option's default.
  template <class T>
  static std::vector<Mat<T>> gen(Eigen::Index n, bool smooth) {
    draw d;
    Mat<T> x = d.uniform<T>(n, -3, 3), y = d.uniform<T>(n, -3, 3);
    if (!smooth) {
      if constexpr (L.option != nullptr) d.sprinkle<T>(x, {1e150, -1e150, 0.0, 1.0, -1.0}, 7);
      else d.sprinkle<T>(x, {1e150, -1e150, 0.0}, 7);
      const Eigen::Index tied = std::min<Eigen::Index>(n, 3);
      y.topRows(tied) = x.topRows(tied);
    }
    return {x, y};
  }
};

template <const auto& L>
void bad_inputs() {
  Mat<double> x = Mat<double>::Zero(3, 4), y = Mat<double>::Zero(4, 3);
  Eigen::MatrixXd col_major_g;
  const auto mean = xloss::reduction::mean;
  expect_invalid([&] { L.loss(x, y, mean, 1.0); }, "target");
  expect_invalid([&] { L.loss(x, x, mean, 1.0, xloss::nn::grad<"input"> = col_major_g); }, "grad<\"input\">");
  expect_invalid([&] { L.loss(x.block(0, 0, 2, 2), x.block(0, 0, 2, 2), mean, 1.0); }, "input");
  expect_invalid([&] { L.loss(x, x, xloss::reduction(7), 1.0); }, "reduction");
  if constexpr (L.option != nullptr)
    for (double bad : {L.bad_option, double(NAN)}) expect_invalid([&] { L.loss(x, x, mean, bad); }, L.option);
}

template <const auto& L>
void add_suite() {
  using S = spec<L>;
  boost::unit_test::test_suite* s = BOOST_TEST_SUITE(L.name);
  s->add(BOOST_TEST_CASE_NAME(&check_reference<S>, "reference_data"));
  s->add(BOOST_TEST_CASE_NAME(([] {
                                check_fused_vs_reference<S, double>();
                                check_fused_vs_reference<S, float>();
                              }),
                              "fused_vs_reference"));
  s->add(BOOST_TEST_CASE_NAME(&check_finite_differences<S>, "finite_differences"));
  s->add(BOOST_TEST_CASE_NAME(&bad_inputs<L>, "bad_inputs"));
  boost::unit_test::framework::master_test_suite().add(s);
}

}  // namespace xloss_test::regression
