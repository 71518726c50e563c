// Properties of the EBM losses (ebm_losses.md §6) on seeded random energies,
// exact up to rounding — no stored expected values.
#define BOOST_TEST_MODULE ebm_properties
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <random>

#include <xloss/ebm/ebm.hpp>

#include "support/checks.hpp"

namespace ebm = xloss::ebm;
using xloss::nn::grad;
using matrix = Eigen::MatrixXd;
using vec = Eigen::VectorXd;

namespace {

struct batch {
  matrix E;
  Eigen::VectorXi y;
};
batch random_batch(int n, int k, unsigned seed, double spread = 2.0) {
  std::mt19937 gen(seed);
  std::normal_distribution<double> normal(0.0, spread);
  std::uniform_int_distribution<int> label(0, k - 1);
  batch b{matrix(n, k), Eigen::VectorXi(n)};
  for (int i = 0; i < n; ++i) {
    b.y[i] = label(gen);
    for (int q = 0; q < k; ++q) b.E(i, q) = normal(gen);
  }
  return b;
}
double lowest_other(const batch& b, int i) {
  double best = INFINITY;
  for (int q = 0; q < b.E.cols(); ++q)
    if (q != b.y[i]) best = std::min(best, b.E(i, q));
  return best;
}

}  // namespace

BOOST_AUTO_TEST_CASE(ranges_and_zero_iff_margin) {
  batch b = random_batch(200, 6, 1);
  vec L, P;
  matrix G;
  const double m = 0.75;
  ebm::hinge(b.E, b.y, {.m = m, .reduction = xloss::reduction::none}, xloss::loss_out = L);
  for (int i = 0; i < L.size(); ++i) {
    BOOST_TEST(L[i] >= 0);
    BOOST_TEST((L[i] == 0) == (lowest_other(b, i) >= b.E(i, b.y[i]) + m), "sample " << i);
  }
  ebm::perceptron(b.E, b.y, {.reduction = xloss::reduction::none}, xloss::loss_out = P);
  for (int i = 0; i < P.size(); ++i) {
    BOOST_TEST(P[i] >= 0);
    BOOST_TEST((P[i] == 0) == (b.E.row(i).minCoeff() == b.E(i, b.y[i])), "sample " << i);
  }
  ebm::lvq2_diff(b.E, b.y, {.M = 1.5, .reduction = xloss::reduction::none}, xloss::loss_out = L);
  BOOST_TEST((L.array() >= 0 && L.array() <= 1.5).all());
  for (auto f : {+[](const batch& bb, vec& out) { ebm::log(bb.E, bb.y, {.reduction = xloss::reduction::none}, xloss::loss_out = out); },
                 +[](const batch& bb, vec& out) { ebm::mce(bb.E, bb.y, {.reduction = xloss::reduction::none}, xloss::loss_out = out); },
                 +[](const batch& bb, vec& out) { ebm::mee(bb.E, bb.y, {.beta = 2, .reduction = xloss::reduction::none}, xloss::loss_out = out); }}) {
    f(b, L);
    BOOST_TEST((L.array() > 0).all());  // infinite margin: never exactly 0 here
  }
  ebm::mce(b.E, b.y, {.reduction = xloss::reduction::none}, xloss::loss_out = L);
  BOOST_TEST((L.array() < 1).all());
  ebm::mee(b.E, b.y, {.beta = 2, .reduction = xloss::reduction::none}, xloss::loss_out = L);
  BOOST_TEST((L.array() < 1).all());
}

BOOST_AUTO_TEST_CASE(nll_between_perceptron_and_its_bound) {
  batch b = random_batch(100, 7, 2);
  vec P, N;
  ebm::perceptron(b.E, b.y, {.reduction = xloss::reduction::none}, xloss::loss_out = P);
  for (double beta : {0.5, 1.0, 10.0, 100.0}) {
    ebm::nll(b.E, b.y, {.beta = beta, .reduction = xloss::reduction::none}, xloss::loss_out = N);
    double slack = 1e-12 * (1 + b.E.cwiseAbs().maxCoeff());
    BOOST_TEST(((N - P).array() >= -slack).all(), "beta " << beta);
    BOOST_TEST(((N - P).array() <= std::log(7.0) / beta + slack).all(), "beta " << beta);
  }
}

BOOST_AUTO_TEST_CASE(nll_gradient_is_onehot_minus_softmax) {
  batch b = random_batch(50, 5, 3);
  for (double beta : {0.5, 3.0}) {
    matrix G;
    ebm::nll(b.E, b.y, {.beta = beta, .reduction = xloss::reduction::sum}, grad<"E"> = G);
    matrix want(b.E.rows(), b.E.cols());
    for (int i = 0; i < b.E.rows(); ++i) {
      Eigen::RowVectorXd w = (-beta * (b.E.row(i).array() - b.E.row(i).minCoeff())).exp().matrix();
      want.row(i) = -w / w.sum();
      want(i, b.y[i]) += 1;
    }
    // absolute floor: a few ulps of 1, as 1 − P_y cancels when P_y is near 1
    BOOST_TEST(xloss::testing::close(G, want, 1e-12, 1e-14));
    BOOST_TEST(G.rowwise().sum().cwiseAbs().maxCoeff() < 1e-14);
  }
}

BOOST_AUTO_TEST_CASE(two_answer_nll_is_the_log_loss) {
  batch b = random_batch(80, 2, 4);
  vec N, L;
  matrix GN, GL;
  ebm::nll(b.E, b.y, {.beta = 1, .reduction = xloss::reduction::none}, xloss::loss_out = N, grad<"E"> = GN);
  ebm::log(b.E, b.y, {.reduction = xloss::reduction::none}, xloss::loss_out = L, grad<"E"> = GL);
  BOOST_TEST(xloss::testing::close(N, L, 1e-12, 1e-15));
  BOOST_TEST(xloss::testing::close(GN, GL, 1e-12, 1e-15));
}

BOOST_AUTO_TEST_CASE(soft_hinge_tends_to_the_hinge) {
  // (1/β)·softplus(β·(E_C − E_I + m)) − hinge ∈ [0, log 2/β]
  constexpr auto soft = ebm::most_offending_loss(
      [](auto z) { return xloss::softplus(ebm::beta * z) / ebm::beta; }, ebm::m);
  batch b = random_batch(100, 4, 5);
  vec H, S;
  ebm::hinge(b.E, b.y, {.m = 0.5, .reduction = xloss::reduction::none}, xloss::loss_out = H);
  for (double beta : {1.0, 10.0, 100.0, 1000.0}) {
    xloss::evaluate(soft, xloss::reduction::none, ebm::E = b.E, ebm::y = b.y, ebm::m = 0.5, ebm::beta = beta,
                    xloss::loss_out = S);
    BOOST_TEST(((S - H).array() >= -1e-12).all(), "beta " << beta);
    BOOST_TEST(((S - H).array() <= std::log(2.0) / beta + 1e-12).all(), "beta " << beta);
  }
}

BOOST_AUTO_TEST_CASE(gradient_rows_sum_to_zero_and_signs) {
  // Shift-invariant losses: Σ_j ∂L/∂E_j = 0; g_C >= 0 and g_{j≠y} <= 0.
  batch b = random_batch(60, 5, 6);
  auto check = [&](const matrix& G, const char* name) {
    BOOST_TEST(G.rowwise().sum().cwiseAbs().maxCoeff() < 1e-14, name);
    for (int i = 0; i < G.rows(); ++i)
      for (int q = 0; q < G.cols(); ++q)
        BOOST_TEST((q == b.y[i] ? G(i, q) >= 0 : G(i, q) <= 0), name << " (" << i << "," << q << ")");
  };
  matrix G;
  ebm::hinge(b.E, b.y, {.m = 1}, grad<"E"> = G);
  check(G, "hinge");
  ebm::perceptron(b.E, b.y, {}, grad<"E"> = G);
  check(G, "perceptron");
  ebm::log(b.E, b.y, {}, grad<"E"> = G);
  check(G, "log");
  ebm::mce(b.E, b.y, {}, grad<"E"> = G);
  check(G, "mce");
  ebm::lvq2_diff(b.E, b.y, {.M = 1}, grad<"E"> = G);
  check(G, "lvq2_diff");
  ebm::nll(b.E, b.y, {.beta = 2}, grad<"E"> = G);
  check(G, "nll");
  ebm::mee(b.E, b.y, {.beta = 2}, grad<"E"> = G);
  check(G, "mee");
}
