// An expression 64 levels deep compiles, differentiates and evaluates.
#define BOOST_TEST_MODULE depth
#include <boost/test/unit_test.hpp>

#include <cmath>

#include <xloss/xloss.hpp>

using namespace xloss;
using namespace xloss::literals;

namespace {
constexpr auto x = scalar<"x">;
constexpr auto c = param<"c">;

// f_0 = x, f_{k+1} = tanh(f_k) * c + x: depth grows by 3 per level.
template <int K>
constexpr auto deep() {
  if constexpr (K == 0) return x;
  else return tanh(deep<K - 1>()) * c + x;
}
}  // namespace

BOOST_AUTO_TEST_CASE(depth_64) {
  constexpr auto e = deep<22>();  // 66 levels
  Eigen::VectorXd X(3), G;
  X << -0.5, 0.1, 0.7;
  double L = evaluate(e, reduction::sum, x = X, c = 0.5, grad(x) = G);
  double want = 0;
  for (int i = 0; i < 3; ++i) {
    double f = X[i], df = 1;
    for (int level = 0; level < 22; ++level) {
      double t = std::tanh(f);
      df = (1 - t * t) * df * 0.5 + 1;
      f = t * 0.5 + X[i];
    }
    want += f;
    BOOST_TEST(G[i] == df, boost::test_tools::tolerance(1e-12));
  }
  BOOST_TEST(L == want, boost::test_tools::tolerance(1e-12));
}
