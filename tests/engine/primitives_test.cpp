// Every elementwise primitive through the fused kernel: value against std::
// (ordinary and extreme inputs, float and double), derivative against the
// closed form and against finite differences, and the documented subgradient
// at each kink.
#define BOOST_TEST_MODULE primitives
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include <xloss/kernel/reference.hpp>
#include <xloss/xloss.hpp>

#include "support/checks.hpp"

using namespace xloss;
using namespace xloss::literals;
using xloss::testing::close;

namespace {
constexpr auto x = scalar<"x">;
constexpr auto z = scalar<"z">;
constexpr double inf = std::numeric_limits<double>::infinity();

// Loss value per sample and gradient, from the fused kernel (reduction none).
template <class T, class E>
std::pair<Eigen::VectorX<T>, Eigen::VectorX<T>> run(E e, const std::vector<double>& in) {
  Eigen::VectorX<T> X = Eigen::Map<const Eigen::VectorXd>(in.data(), static_cast<Eigen::Index>(in.size())).cast<T>();
  Eigen::VectorX<T> L, G;
  evaluate(e, reduction::none, x = X, grad(x) = G, loss_out = L);
  return {L, G};
}

// Checks value and derivative of a unary primitive against std:: in long
// double, rounded to T, within a few ulp (relative) of the std:: value.
template <class T, class E, class F, class DF>
void check_unary(E e, F f, DF df, const std::vector<double>& in, double ulps) {
  auto [L, G] = run<T>(e, in);
  Eigen::VectorXd want(L.size()), dwant(L.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    long double v = static_cast<T>(in[i]);
    want[i] = static_cast<double>(static_cast<T>(f(v)));
    dwant[i] = static_cast<double>(static_cast<T>(df(v)));
  }
  double eps = std::numeric_limits<T>::epsilon();
  BOOST_TEST(close(L, want, ulps * eps, std::numeric_limits<T>::denorm_min()));
  // Derivatives such as 1 − tanh² and s(1 − s) reuse the forward value and
  // are accurate in absolute terms (a few ulp of 1), as in PyTorch.
  BOOST_TEST(close(G, dwant, 4 * ulps * eps, 4 * eps));
}

std::vector<double> grid(double lo, double hi, int n) {
  std::vector<double> v;
  for (int i = 0; i < n; ++i) v.push_back(lo + (hi - lo) * i / (n - 1));
  return v;
}
}  // namespace

BOOST_AUTO_TEST_CASE(transcendental_values_and_derivatives) {
  auto wide = grid(-80, 80, 1001), positive = grid(1e-6, 1e3, 1001), small = grid(-0.999, 5, 1001);
  for (int pass = 0; pass < 2; ++pass) {
    auto check = [&](auto e, auto f, auto df, const std::vector<double>& in, double ulps) {
      if (pass == 0) check_unary<double>(e, f, df, in, ulps);
      else check_unary<float>(e, f, df, in, ulps);
    };
    using R = long double;
    check(exp(x), [](R v) { return std::exp(v); }, [](R v) { return std::exp(v); }, wide, 4);
    check(log(x), [](R v) { return std::log(v); }, [](R v) { return 1 / v; }, positive, 4);
    check(log1p(x), [](R v) { return std::log1p(v); }, [](R v) { return 1 / (1 + v); }, small, 4);
    check(expm1(x), [](R v) { return std::expm1(v); }, [](R v) { return std::exp(v); }, grid(-30, 30, 1001), 4);
    check(sqrt(x), [](R v) { return std::sqrt(v); }, [](R v) { return 0.5L / std::sqrt(v); }, positive, 4);
    check(tanh(x), [](R v) { return std::tanh(v); }, [](R v) { return 1 - std::tanh(v) * std::tanh(v); }, grid(-20, 20, 1001), 8);
    check(sigmoid(x), [](R v) { return 1 / (1 + std::exp(-v)); },
          [](R v) { R s = 1 / (1 + std::exp(-v)); return s * (1 - s); }, wide, 8);
    check(softplus(x), [](R v) { return v > 0 ? v + std::log1p(std::exp(-v)) : std::log1p(std::exp(v)); },
          [](R v) { return 1 / (1 + std::exp(-v)); }, wide, 8);
    check(log_sigmoid(x), [](R v) { return -(v < 0 ? -v + std::log1p(std::exp(v)) : std::log1p(std::exp(-v))); },
          [](R v) { return 1 / (1 + std::exp(v)); }, wide, 8);
  }
}

BOOST_AUTO_TEST_CASE(stable_forms_at_extremes) {
  // |logit| in the hundreds: no overflow, exact limits.
  std::vector<double> big = {-1000, -745, -100, 100, 709, 1000};
  auto [S, dS] = run<double>(softplus(x), big);
  BOOST_TEST(S[0] == 0.0);
  BOOST_TEST(S[5] == 1000.0);
  BOOST_TEST(dS[0] == 0.0);
  BOOST_TEST(dS[5] == 1.0);
  BOOST_TEST(std::isfinite(S[4]));
  auto [F, dF] = run<float>(log_sigmoid(x), big);
  BOOST_TEST(F[0] == -1000.0f);
  BOOST_TEST(F[5] == 0.0f);
  BOOST_TEST(dF[0] == 1.0f);
  auto [Sg, dSg] = run<double>(sigmoid(x), big);
  BOOST_TEST(Sg[0] == 0.0);
  BOOST_TEST(Sg[5] == 1.0);
  BOOST_TEST(dSg[0] == 0.0);
  auto [E, dE] = run<double>(exp(x), {-1000, 1000});
  BOOST_TEST(E[0] == 0.0);
  BOOST_TEST(E[1] == inf);
  auto [Lg, dLg] = run<double>(log(x), {0.0, inf});
  BOOST_TEST(Lg[0] == -inf);
  BOOST_TEST(Lg[1] == inf);
}

BOOST_AUTO_TEST_CASE(subgradients_at_kinks) {
  std::vector<double> at = {-1, 0, 1};
  // abs: sign, 0 at 0.
  auto [A, dA] = run<double>(abs(x), at);
  BOOST_TEST(close(dA, Eigen::Vector3d(-1, 0, 1), 0, 0));
  // relu / hinge: [x > 0], the boundary inactive.
  auto [R, dR] = run<double>(relu(x), at);
  BOOST_TEST(close(dR, Eigen::Vector3d(0, 0, 1), 0, 0));
  // clamp_min(x, 0): [x >= 0], the gradient flows at the kink (PyTorch).
  auto [C, dC] = run<double>(clamp_min(x, 0_c), at);
  BOOST_TEST(close(dC, Eigen::Vector3d(0, 1, 1), 0, 0));
  BOOST_TEST(close(C, Eigen::Vector3d(0, 0, 1), 0, 0));
  // clamp_max(x, 0): gradient flows at equality too.
  auto [Cm, dCm] = run<double>(clamp_max(x, 0_c), at);
  BOOST_TEST(close(dCm, Eigen::Vector3d(1, 1, 0), 0, 0));
  // max(x, 0) / min(x, 0): ties split the gradient.
  auto [M, dM] = run<double>(max(x, 0_c), at);
  BOOST_TEST(close(dM, Eigen::Vector3d(0, 0.5, 1), 0, 0));
  auto [m, dm] = run<double>(min(x, 0_c), at);
  BOOST_TEST(close(dm, Eigen::Vector3d(1, 0.5, 0), 0, 0));
  // safe_div(1, x): 0 where x == 0, for value and derivative.
  auto [Q, dQ] = run<double>(safe_div(1_c, x), at);
  BOOST_TEST(close(Q, Eigen::Vector3d(-1, 0, 1), 0, 0));
  BOOST_TEST(close(dQ, Eigen::Vector3d(-1, 0, -1), 0, 0));
  // sign: derivative 0 everywhere.
  auto [Sg, dSg] = run<double>(sign(x), at);
  BOOST_TEST(close(Sg, Eigen::Vector3d(-1, 0, 1), 0, 0));
  BOOST_TEST(close(dSg, Eigen::Vector3d(0, 0, 0), 0, 0));
}

// A scalar select of float or double works on the bits (lanes.hpp): it
// returns the chosen operand exactly, NaN payloads, signed zeros and
// infinities included, and never mixes in the other one.
template <class T> void check_scalar_select() {
  const T nan = std::numeric_limits<T>::quiet_NaN(), big = std::numeric_limits<T>::infinity();
  const T values[] = {T(0), -T(0), T(1.5), -big, big, nan, std::numeric_limits<T>::denorm_min()};
  for (T a : values)
    for (T b : values) {
      const T t = lane::select(true, a, b), f = lane::select(false, a, b);
      BOOST_TEST(std::memcmp(&t, &a, sizeof(T)) == 0);
      BOOST_TEST(std::memcmp(&f, &b, sizeof(T)) == 0);
    }
}
BOOST_AUTO_TEST_CASE(scalar_select_returns_the_chosen_bits) {
  check_scalar_select<float>();
  check_scalar_select<double>();
}

BOOST_AUTO_TEST_CASE(binary_primitives_against_finite_differences) {
  // Two-argument primitives: both partial derivatives against central
  // differences of the reference evaluator, off the kinks.
  Eigen::VectorXd X(6), Z(6);
  X << 0.3, 1.7, 2.5, 0.9, 4.0, 0.05;
  Z << 1.1, 0.4, 2.6, 3.3, 0.5, 2.0;
  auto check = [&](auto e) {
    Eigen::VectorXd GX, GZ;
    evaluate(e, reduction::sum, x = X, z = Z, grad(x) = GX, grad(z) = GZ);
    auto f = [&] { return reference::evaluate(e, reduction::sum, x = X, z = Z); };
    BOOST_TEST(close(GX, xloss::testing::fd_gradient(f, X), 1e-6, 1e-8), to_string(e));
    BOOST_TEST(close(GZ, xloss::testing::fd_gradient(f, Z), 1e-6, 1e-8), to_string(e));
  };
  check(x * z);
  check(x / z);
  check(x - z);
  check(pow(x, z));
  check(max(x, z));
  check(min(x, z));
  check(clamp_min(x, z));
  check(safe_div(x, z));
  check(select(x > z, x * x, z));
}
