// Must not compile: a row used as a per-sample value without a reduction.
#include <xloss/xloss.hpp>
int main() {
  constexpr auto E = xloss::row<"E">;
  Eigen::MatrixXd M(2, 3);
  return static_cast<int>(xloss::evaluate(xloss::exp(E), xloss::reduction::sum, E = M));
}
