// One loss kernel: triplet margin, value + gradients of the three rows, float.
#include <xloss/xloss.hpp>
using M = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
float run(const M& A, const M& P, const M& N, M& GA, M& GP, M& GN) {
  using namespace xloss::literals;
  constexpr auto a = xloss::row<"a">;
  constexpr auto p = xloss::row<"p">;
  constexpr auto n = xloss::row<"n">;
  constexpr auto margin = xloss::param<"margin">;
  auto loss = xloss::clamp_min(xloss::norm2(a - p + 1e-6_c) - xloss::norm2(a - n + 1e-6_c) + margin, 0_c);
  return xloss::evaluate(loss, xloss::reduction::mean, a = A, p = P, n = N, margin = 1.0f, xloss::grad(a) = GA,
                         xloss::grad(p) = GP, xloss::grad(n) = GN);
}
#ifndef XLOSS_COMPILE_COST_NO_MAIN
int main() { return 0; }
#endif
