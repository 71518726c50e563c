// Every code snippet of README.md and docs/guide.md, as a test. When a
// snippet changes, change it here too (and the other way round).
#define BOOST_TEST_MODULE docs_snippets
#include <boost/test/unit_test.hpp>

#include <cmath>

#include <xloss/kernel/reference.hpp>
#include <xloss/xloss.hpp>

using namespace xloss::literals;

// docs/guide.md, "Adding a primitive".
namespace my {
struct softsign_op {  // x / (1 + |x|)
  static constexpr std::string_view name = "softsign";
  template <class V> static V eval(const V& a) { return a / (V(1) + xloss::lane::abs(a)); }
  // ∂/∂a = 1 / (1 + |a|)²
  static constexpr auto partial(xloss::arg_c<0>, auto, auto a) {
    auto d = xloss::one{} + xloss::abs(a);
    return xloss::one{} / (d * d);
  }
};
template <xloss::expression A> constexpr auto softsign(A) { return xloss::expr<softsign_op, A>{}; }
}  // namespace my

BOOST_AUTO_TEST_CASE(readme_bce) {
  constexpr auto x = xloss::scalar<"x">;  // logits, one per sample
  constexpr auto y = xloss::scalar<"y">;  // targets
  constexpr auto bce = xloss::softplus(x) - y * x;  // BCE with logits

  Eigen::VectorXf X(4), Y(4), G;
  X << -2, 0, 1, 30;
  Y << 0, 1, 1, 0;
  float L = xloss::evaluate(bce, xloss::reduction::mean, x = X, y = Y, xloss::grad(x) = G);
  BOOST_TEST(xloss::to_string(xloss::d(bce, x)) == "sigmoid(x) - y");
  double want = 0;
  for (int i = 0; i < 4; ++i) want += std::log1p(std::exp(double(X[i]))) - Y[i] * X[i];
  BOOST_TEST(L == want / 4, boost::test_tools::tolerance(1e-6));
  BOOST_TEST(G.size() == 4);
}

BOOST_AUTO_TEST_CASE(readme_rows_and_guide_derivatives) {
  constexpr auto E = xloss::row<"E">;    // energies of K answers per sample
  constexpr auto c = xloss::label<"y">;  // the correct answer
  auto nll = E[c] + xloss::logsumexp(-E);                                          // NLL/MMI, β = 1
  auto hinge = xloss::relu(1_c + E[c] - xloss::min_where(E, xloss::j != c));  // most offending answer
  BOOST_TEST(xloss::to_string(xloss::d(nll, E)) ==
             "[y == out] - exp(-E[out] - max_j(-E) - log(sum_j(exp(-E - max_j(-E)))))");
  BOOST_TEST(xloss::to_string(xloss::d(hinge, E)) ==
             "[y == out]*select(1 + E[y] - min_where_j(E, j != y) > 0, 1, 0) + "
             "[argmin_where_j(E, j != y) == out]*-select(1 + E[y] - min_where_j(E, j != y) > 0, 1, 0)");
  Eigen::MatrixXd M(2, 3), G;
  M << 1, 0.5, 2, 0, 3, -1;
  Eigen::VectorXi Y(2);
  Y << 0, 2;
  double L = xloss::evaluate(hinge, xloss::reduction::sum, E = M, c = Y, xloss::grad(E) = G);
  BOOST_TEST(L == 1.5 + 0.0);  // row 1: 1 + 1 − 0.5; row 2: 1 + (−1) − 0 = 0 (kink: no gradient)
}

BOOST_AUTO_TEST_CASE(guide_new_loss_and_primitive) {
  constexpr auto x = xloss::scalar<"x">;
  constexpr auto t = xloss::scalar<"t">;
  constexpr auto m = xloss::param<"m">;
  constexpr auto smooth_hinge = 0.25_c * xloss::softplus(4_c * (m - t * x));
  Eigen::VectorXd X(3), T(3), G, R;
  X << -1, 0.2, 2;
  T << 1, -1, 1;
  double L = xloss::evaluate(smooth_hinge, xloss::reduction::mean, x = X, t = T, m = 0.3, xloss::grad(x) = G,
                             xloss::threads(2));
  double Lr = xloss::reference::evaluate(smooth_hinge, xloss::reduction::mean, x = X, t = T, m = 0.3,
                                         xloss::grad(x) = R);
  BOOST_TEST(L == Lr, boost::test_tools::tolerance(1e-14));
  BOOST_TEST((G - R).cwiseAbs().maxCoeff() < 1e-15);

  // The user-defined primitive: value and derivative through the kernel.
  auto s = my::softsign(x);
  BOOST_TEST(xloss::to_string(xloss::d(s, x)) == "1 / ((1 + abs(x)) * (1 + abs(x)))");
  Eigen::VectorXd S;
  double v = xloss::evaluate(s, xloss::reduction::sum, x = X, xloss::grad(x) = S);
  BOOST_TEST(v == -0.5 + 0.2 / 1.2 + 2.0 / 3, boost::test_tools::tolerance(1e-15));
  BOOST_TEST(S[0] == 0.25, boost::test_tools::tolerance(1e-15));
}

// docs/guide.md, "Label lists and nested reductions".
BOOST_AUTO_TEST_CASE(guide_label_lists) {
  constexpr auto x = xloss::row<"x">;
  constexpr auto not_listed = xloss::row<"not_listed">;  // 1 where the class is not in the list
  constexpr auto Y = xloss::labels<"Y">;
  using xloss::k;
  // MultiLabelMargin: Σ over the listed classes, Σ over the others, of relu(1 − x[Y] + x[k]), / C
  constexpr auto mlm = xloss::sum(xloss::entry, xloss::sum(k, not_listed[k] * xloss::relu(1_c - x[Y] + x[k]))) /
                       xloss::extent_of();

  Eigen::MatrixXd X(1, 4), M(1, 4), G;
  Eigen::MatrixXi L(1, 3);
  X << 0.5, -1.0, 0.75, 0.25;
  M << 1, 1, 0, 1;
  L << 2, -1, 0;  // the list {2}; entries after the −1 are ignored
  double loss = xloss::evaluate(mlm, xloss::reduction::sum, x = X, not_listed = M, Y = L, xloss::grad(x) = G);
  BOOST_TEST(loss == (0.75 + 0 + 0.5) / 4, boost::test_tools::tolerance(1e-15));
  Eigen::RowVector4d want(0.25, 0, -0.5, 0.25);
  BOOST_TEST((G.row(0) - want).cwiseAbs().maxCoeff() <= 1e-15);
}
