// Must not compile: float data with a double gradient.
#include <xloss/xloss.hpp>
int main() {
  constexpr auto x = xloss::scalar<"x">;
  Eigen::VectorXf X(3);
  Eigen::VectorXd G(3);
  return static_cast<int>(xloss::evaluate(x * x, xloss::reduction::sum, x = X, xloss::grad(x) = G));
}
