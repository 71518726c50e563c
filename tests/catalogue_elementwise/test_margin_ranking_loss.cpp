#include <xloss/nn/margin_ranking_loss.hpp>

#include "common.hpp"

namespace {
using namespace xloss_test;
using xloss::scalar;

struct spec : spec_base {
  static constexpr const char* name = "margin_ranking_loss";
  static constexpr std::array<std::string_view, 3> args{"input1", "input2", "target"};
  static constexpr std::array<std::string_view, 3> grads{"input1", "input2", "target"};
  // xloss requires equal shapes: the broadcast case is expanded here, and the
  // gradients of expanded arguments summed back (PyTorch's broadcast backward).
  template <class T>
  static T call(const std::vector<Mat<T>>& a, const ref_case& c, xloss::nn::kl_div_reduction r, outs<T, Mat<T>>& o) {
    Eigen::Index rows = 0, cols = 0;
    for (const auto& m : a) rows = std::max(rows, m.rows()), cols = std::max(cols, m.cols());
    if (a[0].size() == 0) rows = a[0].rows(), cols = a[0].cols();
    std::vector<Mat<T>> e;
    for (const auto& m : a) e.push_back(m.rows() == rows && m.cols() == cols ? m : m.replicate(rows / m.rows(), cols / m.cols()).eval());
    T v = xloss::nn::margin_ranking_loss(e[0], e[1], e[2],
                                         {.reduction = r.base, .margin = static_cast<T>(c.opt_num("margin", 0))},
                                         xloss::nn::grad<"input1"> = o.g[0], xloss::nn::grad<"input2"> = o.g[1],
                                         xloss::nn::grad<"target"> = o.g[2], xloss::loss_out = o.loss);
    for (std::size_t k = 0; k < 3; ++k) {
      if (a[k].rows() == 1 && rows > 1) o.g[k] = o.g[k].colwise().sum().eval();
      if (a[k].cols() == 1 && cols > 1) o.g[k] = o.g[k].rowwise().sum().eval();
    }
    return v;
  }
  template <class T>
  static T ref(const std::vector<Vec<T>>& a, xloss::reduction r, outs<T, Vec<T>>& o) {
    return xloss::reference::evaluate(xloss::nn::margin_ranking_loss_expr, r, scalar<"input1"> = a[0],
                                      scalar<"input2"> = a[1], scalar<"target"> = a[2], xloss::param<"margin"> = T(0),
                                      xloss::grad(scalar<"input1">) = o.g[0], xloss::grad(scalar<"input2">) = o.g[1],
                                      xloss::grad(scalar<"target">) = o.g[2], xloss::loss_out = o.loss);
  }
  template <class T>
  static std::vector<Mat<T>> gen(Eigen::Index n, bool smooth) {
    draw d;
    Mat<T> x1 = d.uniform<T>(n, -3, 3), x2 = d.uniform<T>(n, -3, 3), y = d.uniform<T>(n, -1, 1);
    for (auto& v : y.reshaped()) v = v < 0 ? T(-1) : T(1);
    if (!smooth) d.sprinkle<T>(x1, {0.0, 1e30, -2.0}, 3), d.sprinkle<T>(x2, {0.0, -1e30, -2.0}, 3);  // ties: z = 0
    return {x1, x2, y};
  }
};
}  // namespace

BOOST_AUTO_TEST_SUITE(margin_ranking_loss)
BOOST_AUTO_TEST_CASE(reference_data) { check_reference<spec>(); }
BOOST_AUTO_TEST_CASE(fused_vs_reference) {
  check_fused_vs_reference<spec, double>();
  check_fused_vs_reference<spec, float>();
}
BOOST_AUTO_TEST_CASE(finite_differences) { check_finite_differences<spec>(); }
BOOST_AUTO_TEST_CASE(bad_inputs) {
  Mat<double> x = Mat<double>::Zero(3, 4), y = Mat<double>::Zero(3, 1);
  expect_invalid([&] { xloss::nn::margin_ranking_loss(x, y, x); }, "input2");
  expect_invalid([&] { xloss::nn::margin_ranking_loss(x, x, y); }, "target");
  expect_invalid([&] { xloss::nn::margin_ranking_loss(x.block(0, 0, 2, 2), x.block(0, 0, 2, 2), x.block(0, 0, 2, 2)); },
                 "input1");
}
BOOST_AUTO_TEST_SUITE_END()
