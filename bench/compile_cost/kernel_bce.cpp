// One loss kernel: BCE-with-logits, value + gradients of both inputs, float.
#include <xloss/xloss.hpp>
float run(const Eigen::VectorXf& X, const Eigen::VectorXf& Y, Eigen::VectorXf& GX, Eigen::VectorXf& GY) {
  constexpr auto x = xloss::scalar<"x">;
  constexpr auto y = xloss::scalar<"y">;
  return xloss::evaluate(xloss::softplus(x) - y * x, xloss::reduction::mean, x = X, y = Y, xloss::grad(x) = GX,
                         xloss::grad(y) = GY);
}
#ifndef XLOSS_COMPILE_COST_NO_MAIN
int main() { return 0; }
#endif
