// One loss kernel: NLL over energies with a gathered label (two row passes), double.
#include <xloss/xloss.hpp>
double run(const Eigen::MatrixXd& En, const Eigen::VectorXi& Y, Eigen::MatrixXd& G) {
  constexpr auto E = xloss::row<"E">;
  constexpr auto y = xloss::label<"y">;
  constexpr auto beta = xloss::param<"beta">;
  auto loss = E[y] + xloss::logsumexp(-beta * E) / beta;
  return xloss::evaluate(loss, xloss::reduction::mean, E = En, y = Y, beta = 2.0, xloss::grad(E) = G);
}
int main() { return 0; }
