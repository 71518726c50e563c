// Two loss kernels in one translation unit (those of kernel_triplet.cpp and
// kernel_bce.cpp): what a kernel costs once another one has instantiated the
// evaluation machinery every kernel shares (thread pool, error messages,
// staging buffers, the SIMD math of the scalar type).
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
float run(const Eigen::VectorXf& X, const Eigen::VectorXf& Y, Eigen::VectorXf& GX, Eigen::VectorXf& GY) {
  constexpr auto x = xloss::scalar<"x">;
  constexpr auto y = xloss::scalar<"y">;
  return xloss::evaluate(xloss::softplus(x) - y * x, xloss::reduction::mean, x = X, y = Y, xloss::grad(x) = GX,
                         xloss::grad(y) = GY);
}
int main() { return 0; }
