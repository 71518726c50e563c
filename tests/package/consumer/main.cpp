// Built only against an installed xloss (find_package + xloss::xloss): if this
// compiles, the install ships every header the umbrella header includes, and
// the exported target carries the include path, C++20 and the dependencies.
#include <cmath>

#include <xloss/xloss.hpp>

int main() {
  // Logistic loss of a zero logit is log 2 whatever the target.
  constexpr auto x = xloss::scalar<"x">;
  constexpr auto y = xloss::scalar<"y">;
  Eigen::VectorXd X = Eigen::VectorXd::Zero(3), Y = Eigen::VectorXd::Ones(3);
  double L = xloss::evaluate(xloss::softplus(x) - y * x, xloss::reduction::mean, x = X, y = Y);
  return std::fabs(L - std::log(2.0)) < 1e-15 ? 0 : 1;
}
