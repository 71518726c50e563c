// Row losses: reductions, gathers, argmin, index values — fused kernel against
// the reference evaluator and against finite differences.
#define BOOST_TEST_MODULE rows
#include <boost/test/unit_test.hpp>

#include <random>
#include <vector>

#include <xloss/kernel/reference.hpp>
#include <xloss/xloss.hpp>

#include "support/checks.hpp"

using namespace xloss;
using namespace xloss::literals;
using xloss::testing::close;

namespace {
constexpr auto a = row<"a">;
constexpr auto b = row<"b">;
constexpr auto w = scalar<"w">;
constexpr auto lab = label<"lab">;
constexpr auto beta = param<"beta">;

// A pass keeps its accumulators in registers only while they are small: sums
// and plain max/min hold one pack, only arg-reductions also hold positions.
using pack_f = kernel::lane_of<float>;
static_assert(sizeof(kernel::accumulator<decltype(sum(j, a)), pack_f>) == sizeof(pack_f));
static_assert(sizeof(kernel::accumulator<decltype(max_over(j, a)), pack_f>) == sizeof(pack_f));
static_assert(sizeof(kernel::accumulator<decltype(argmin(j, a)), pack_f>) == 2 * sizeof(pack_f));

template <class T>
Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> random_rows(Eigen::Index n, Eigen::Index d, unsigned s,
                                                                             double scale = 2) {
  std::mt19937 gen(s);
  std::uniform_real_distribution<double> u(-scale, scale);
  Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> m(n, d);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = static_cast<T>(u(gen));
  return m;
}

// Fused vs reference for a loss over rows a, b, a per-sample weight w and a label.
template <class T, class E>
void check(E e, Eigen::Index n, Eigen::Index d, unsigned seed = 1) {
  auto A = random_rows<T>(n, d, seed), B = random_rows<T>(n, d, seed + 1);
  Eigen::VectorX<T> W = random_rows<T>(n, 1, seed + 2);
  Eigen::VectorXi Y(n);
  for (Eigen::Index i = 0; i < n; ++i) Y[i] = static_cast<int>((i * 7) % d);
  if (d > 2 && n > 0) A(0, 1) = A(0, 2);  // a tie
  Eigen::MatrixX<T> GA, GB, RA, RB;
  Eigen::VectorX<T> GW, RW;
  T f = evaluate(e, reduction::mean, a = A, b = B, w = W, lab = Y, beta = 1.5, grad(a) = GA, grad(b) = GB, grad(w) = GW);
  T r = reference::evaluate(e, reduction::mean, a = A, b = B, w = W, lab = Y, beta = 1.5, grad(a) = RA, grad(b) = RB,
                            grad(w) = RW);
  double rtol = std::is_same_v<T, float> ? 2e-5 : 1e-12, atol = std::is_same_v<T, float> ? 1e-6 : 1e-14;
  std::string what = to_string(e) + " n=" + std::to_string(n) + " d=" + std::to_string(d);
  BOOST_TEST(close(Eigen::Matrix<T, 1, 1>(f), Eigen::Matrix<T, 1, 1>(r), rtol, atol), what);
  BOOST_TEST(close(GA, RA, rtol, atol), what);
  BOOST_TEST(close(GB, RB, rtol, atol), what);
  BOOST_TEST(close(GW, RW, rtol, atol), what);
}

template <class E>
void check_all(E e) {
  for (Eigen::Index d : {1, 7, 16, 129})
    for (Eigen::Index n : {1, 5}) {
      check<double>(e, n, d);
      check<float>(e, n, d);
    }
}
}  // namespace

BOOST_AUTO_TEST_CASE(reductions) {
  check_all(w * sum(a * b));
  check_all(dot(a, b) / (norm2(a) * norm2(b) + 1e-3_c));
  check_all(logsumexp(beta * a) + w * max_over(b));
  check_all(min_over(a - b) * w);
  check_all(norm1(a - b) + norm_inf(a));
  check_all(mean(exp(-abs(a))) * w);
}

BOOST_AUTO_TEST_CASE(gathers_and_most_offending_answer) {
  check_all(a[lab] + logsumexp(-a));
  check_all(relu(1_c + a[lab] - min_where(a, j != lab)) * w);
  check_all(sum(select(j != lab, relu(a[lab] - a + abs(as_real(j) - as_real(lab))), 0_c)));
  check_all(a[argmax(b)] * w);
}

BOOST_AUTO_TEST_CASE(row_gradients_against_finite_differences) {
  auto A = random_rows<double>(3, 6, 9), B = random_rows<double>(3, 6, 10);
  Eigen::VectorXd W = random_rows<double>(3, 1, 11);
  Eigen::VectorXi Y(3);
  Y << 0, 5, 2;
  auto e = logsumexp(beta * a) * w + norm2(a - b) + a[lab] * dot(a, b);
  Eigen::MatrixXd GA, GB;
  Eigen::VectorXd GW;
  evaluate(e, reduction::sum, a = A, b = B, w = W, lab = Y, beta = 1.5, grad(a) = GA, grad(b) = GB, grad(w) = GW);
  auto f = [&] { return reference::evaluate(e, reduction::sum, a = A, b = B, w = W, lab = Y, beta = 1.5); };
  BOOST_TEST(close(GA, xloss::testing::fd_gradient(f, A), 1e-6, 1e-7));
  BOOST_TEST(close(GB, xloss::testing::fd_gradient(f, B), 1e-6, 1e-7));
  BOOST_TEST(close(GW, xloss::testing::fd_gradient(f, W), 1e-6, 1e-7));
}

BOOST_AUTO_TEST_CASE(most_offending_with_no_candidate) {
  // One answer only: no incorrect answer exists; min_where is +inf, the hinge
  // of −inf is 0 and no gradient flows anywhere.
  Eigen::MatrixXd E(2, 1);
  E << 0.5, -1;
  Eigen::VectorXi Y = Eigen::VectorXi::Zero(2);
  Eigen::MatrixXd G;
  double L = evaluate(relu(1_c + a[lab] - min_where(a, j != lab)), reduction::sum, a = E, lab = Y, grad(a) = G);
  BOOST_TEST(L == 0.0);
  BOOST_TEST((G.array() == 0).all());
}

BOOST_AUTO_TEST_CASE(column_major_and_strided_rows) {
  auto A = random_rows<double>(9, 13, 4), B = random_rows<double>(9, 13, 5);
  Eigen::MatrixXd Acm = A, Bcm = B;  // column-major copies
  auto e = norm2(a - b) + logsumexp(a);
  Eigen::MatrixXd G1, G2;
  double l1 = evaluate(e, reduction::sum, a = A, b = B, grad(a) = G1);
  double l2 = evaluate(e, reduction::sum, a = Acm, b = Bcm, grad(a) = G2);
  BOOST_TEST(close(Eigen::Matrix<double, 1, 1>(l1), Eigen::Matrix<double, 1, 1>(l2), 1e-14, 0));
  BOOST_TEST(close(G1, G2, 1e-14, 1e-16));
}

// Strided data is staged into unit-stride blocks (executor::run_staged): a
// column-major input, a strided gradient and loss output, over more samples
// than one block (16 rows) and rows longer than one block's budget (4096
// elements: one row per block), with a gathered label (its adjoint scatters
// into the staged gradient) and a per-sample scalar. The per-sample
// arithmetic is the same as for row-major data, so the bits are too.
template <class T>
void check_staged_rows(Eigen::Index n, Eigen::Index d, int threads_used) {
  using RM = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  using CM = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor>;
  using Vec = Eigen::Matrix<T, Eigen::Dynamic, 1>;
  const RM A = random_rows<T>(n, d, 21), B = random_rows<T>(n, d, 22);
  const Vec W = random_rows<T>(n, 1, 23);
  Eigen::VectorXi Y(n);
  for (Eigen::Index i = 0; i < n; ++i) Y[i] = static_cast<int>((i * 7) % d);
  auto e = w * logsumexp(a) - a[lab] + norm2(a - b);

  RM GA1, GB1;
  Vec GW1, L1;
  const T l1 = evaluate(e, reduction::none, a = A, b = B, w = W, lab = Y, grad(a) = GA1, grad(b) = GB1, grad(w) = GW1,
                        loss_out = L1, threads(threads_used));

  const CM Acm = A;
  Eigen::Matrix<T, 2, Eigen::Dynamic> Wrows = Eigen::Matrix<T, 2, Eigen::Dynamic>::Zero(2, n);  // rows: stride 2
  Wrows.row(1) = W.transpose();
  Eigen::Matrix<T, 2, Eigen::Dynamic> GWrows = Eigen::Matrix<T, 2, Eigen::Dynamic>::Zero(2, n);
  CM GA2(n, d);
  std::vector<T> gb_storage(static_cast<std::size_t>(2 * n * d)), loss_storage(static_cast<std::size_t>(3 * n));
  Eigen::Map<RM, 0, Eigen::Stride<Eigen::Dynamic, 2>> GB2(gb_storage.data(), n, d, Eigen::Stride<Eigen::Dynamic, 2>(2 * d, 2));
  Eigen::Map<Vec, 0, Eigen::InnerStride<3>> L2(loss_storage.data() + 1, n);
  const T l2 = evaluate(e, reduction::none, a = Acm, b = B, w = Wrows.row(1), lab = Y, grad(a) = GA2, grad(b) = GB2,
                        grad(w) = GWrows.row(0), loss_out = L2, threads(threads_used));
  BOOST_TEST(l1 == l2);
  BOOST_TEST((RM(GA2).array() == GA1.array()).all());
  BOOST_TEST((RM(GB2).array() == GB1.array()).all());
  BOOST_TEST((GWrows.row(0).transpose().array() == GW1.array()).all());
  BOOST_TEST((GWrows.row(1).array() == 0).all());
  BOOST_TEST((Vec(L2).array() == L1.array()).all());
  // Nothing outside the strided outputs was written.
  for (Eigen::Index at = 0; at < 2 * n * d; at += 2) BOOST_TEST(gb_storage[static_cast<std::size_t>(at + 1)] == T(0));
  for (Eigen::Index at = 0; at < n; ++at) {
    BOOST_TEST(loss_storage[static_cast<std::size_t>(3 * at)] == T(0));
    BOOST_TEST(loss_storage[static_cast<std::size_t>(3 * at + 2)] == T(0));
  }
}

BOOST_AUTO_TEST_CASE(staged_strided_rows_give_the_same_bits) {
  check_staged_rows<double>(53, 37, 1);    // blocks of 16 rows, the last one partial
  check_staged_rows<float>(53, 37, 2);
  check_staged_rows<double>(5, 4100, 1);   // one row per block
  check_staged_rows<float>(1, 1, 1);
}

// Rows of no columns in a strided layout (a column-major map over real
// memory) have nothing to stage or read; strided per-sample values and
// losses of a row plan are read and written in place.
BOOST_AUTO_TEST_CASE(staged_rows_of_no_columns) {
  const Eigen::Index n = 40;
  std::vector<double> memory(8, 1.0);
  Eigen::Map<Eigen::MatrixXd, 0, Eigen::OuterStride<>> A(memory.data(), n, 0, Eigen::OuterStride<>(n));
  Eigen::Matrix<double, 2, Eigen::Dynamic> W = Eigen::Matrix<double, 2, Eigen::Dynamic>::Ones(2, n);
  Eigen::Matrix<double, 2, Eigen::Dynamic> L = Eigen::Matrix<double, 2, Eigen::Dynamic>::Zero(2, n);
  auto e = w * sum(a) + w;
  evaluate(e, reduction::none, a = A, w = W.row(1), loss_out = L.row(0));
  BOOST_TEST((L.row(0).array() == 1.0).all());
  BOOST_TEST((L.row(1).array() == 0.0).all());
}
