// Must not compile: a reduction over a label list reading a row alone (the
// row would be read at list positions, not at the listed labels).
#include <xloss/xloss.hpp>
int main() {
  constexpr auto X = xloss::row<"X">;
  constexpr auto Y = xloss::labels<"Y">;
  Eigen::MatrixXd M(2, 3);
  Eigen::MatrixXi L(2, 2);
  return static_cast<int>(xloss::evaluate(xloss::sum(X * xloss::as_real(Y)), xloss::reduction::sum, X = M, Y = L));
}
