// Must not compile: y is part of the loss but no data is bound to it.
#include <xloss/xloss.hpp>
int main() {
  constexpr auto x = xloss::scalar<"x">;
  constexpr auto y = xloss::scalar<"y">;
  Eigen::VectorXd X(3);
  return static_cast<int>(xloss::evaluate(x * y, xloss::reduction::sum, x = X));
}
