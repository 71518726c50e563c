// Nested reductions (a reduction over k inside one over j whose body depends
// on j) and padded label lists: the plan's shape, the fused kernel against
// the reference evaluator, the reference's derivatives against finite
// differences, thread determinism, and bad label lists.
#define BOOST_TEST_MODULE nested
#include <boost/test/unit_test.hpp>

#include <random>

#include <xloss/kernel/reference.hpp>
#include <xloss/xloss.hpp>

#include "support/checks.hpp"

using namespace xloss;
using namespace xloss::literals;
using xloss::testing::close;

namespace {
constexpr auto x = row<"x">;
constexpr auto m = row<"m">;  // a 0/1 mask row
constexpr auto w = scalar<"w">;
constexpr auto Y = labels<"Y">;

// The losses under test.
// MultiLabelMargin's shape: over the list entries, over the row.
constexpr auto margin_pairs = sum(entry, sum(k, m[k] * relu(1_c - x[Y] + x[k]))) / extent_of();
// Nested max and argmin-free min, a nested reduction used by a sample value.
constexpr auto nested_max = w * log1p(square(max_over(sum(k, abs(x[Y] - x[k])))));  // over the entries
// A nested logsumexp (lowered to a nested max and a nested sum) over the row
// for every list entry: the softmax cross-entropy of every listed class.
constexpr auto listed_ce = mean(logsumexp(k, x[k]) - x[Y]);  // mean over the entries
// Two nested loops over the row inside a loop over the row (no list).
constexpr auto row_pairs = sum(j, sum(k, square(x - x[k]))) + sum(j, min_over(k, abs(x - x[k]) + select(k == j, 1_c, 0_c)));

// The plan: one pass over the list computes the value (the inner loop
// nested in it), the gradient is one dense pass plus one scatter term.
using margin_plan = plan_for<decltype(margin_pairs), decltype(x)>;
static_assert(margin_plan::stages == 1);
static_assert(margin_plan::keys_at<1>::size == 1);
static_assert(std::is_same_v<detail::nth_t<margin_plan::keys_at<1>, 0>, index_var<2>>);
static_assert(detail::nth_t<margin_plan::scatters, 0>::size == 1);
// The kernel runs that list pass one entry at a time, with the inner loop
// over the row in SIMD packs; a pass over the row stays in packs.
static_assert(std::is_same_v<kernel::loop_lanes_t<float, index_var<2>, margin_plan::pass_schedule<1, index_var<2>>>, float>);
static_assert(kernel::loop_lanes_t<float, out_index, margin_plan::grad_schedule>::size > 1);
// logsumexp over k does not depend on the entry: it is computed once per
// sample (two passes over the row), then one pass over the entries.
using ce_plan = plan_for<decltype(listed_ce), decltype(x)>;
static_assert(ce_plan::stages == 3);
static_assert(plan::count_v<ce_plan::pass_schedule<3, index_var<2>>, op::exp> == 0);

using Rows = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using List = Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct batch {
  Rows X, M;
  Eigen::VectorXd W;
  List L;
};
// Random rows; lists of random length 0..width (duplicates allowed), ended
// by −1 unless full; the mask is 0 at listed positions.
batch make_batch(Eigen::Index n, Eigen::Index d, Eigen::Index width, unsigned seed, bool nonempty = false) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<double> u(-2, 2);
  batch b{Rows(n, d), Rows::Ones(n, d), Eigen::VectorXd(n), List::Constant(n, width, -1)};
  for (Eigen::Index i = 0; i < b.X.size(); ++i) b.X.data()[i] = u(gen);
  for (Eigen::Index i = 0; i < n; ++i) {
    b.W(i) = u(gen);
    auto len = static_cast<Eigen::Index>(gen() % static_cast<unsigned>(width + 1));
    if (nonempty && len == 0) len = 1;
    for (Eigen::Index e = 0; e < len; ++e) {
      b.L(i, e) = static_cast<std::int64_t>(gen() % static_cast<unsigned>(d));
      b.M(i, b.L(i, e)) = 0;
    }
    for (Eigen::Index e = len + 1; e < width; ++e) b.L(i, e) = 5;  // after the end: ignored
  }
  if (n > 0 && d > 2) b.X(0, 1) = b.X(0, 2);  // a tie
  return b;
}

// Fused (float and double, row- and column-major) against the reference.
template <class T, class E>
void check(E e, const batch& b, reduction r, int n_threads = 1) {
  using R = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  using C = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor>;
  const R X = b.X.cast<T>(), M = b.M.cast<T>();
  const C Xc = X;
  const Eigen::VectorX<T> W = b.W.cast<T>();
  const Eigen::MatrixXi L32 = b.L.cast<int>();  // column-major 32-bit lists
  R G, GR;
  C Gc;
  Eigen::VectorX<T> GW, GWR, losses, losses_ref;
  T f = evaluate(e, r, x = X, m = M, w = W, Y = b.L, grad(x) = G, grad(w) = GW, loss_out = losses, threads(n_threads));
  T ref = reference::evaluate(e, r, x = X, m = M, w = W, Y = b.L, grad(x) = GR, grad(w) = GWR, loss_out = losses_ref);
  T fc = evaluate(e, r, x = Xc, m = M, w = W, Y = L32, grad(x) = Gc, loss_out = losses);
  const double rtol = std::is_same_v<T, float> ? 3e-5 : 1e-12, atol = std::is_same_v<T, float> ? 1e-5 : 1e-13;
  const std::string what = to_string(e) + " n=" + std::to_string(b.X.rows()) + " d=" + std::to_string(b.X.cols()) +
                           " width=" + std::to_string(b.L.cols());
  BOOST_TEST(close(Eigen::Matrix<T, 1, 1>(f), Eigen::Matrix<T, 1, 1>(ref), rtol, atol), what);
  BOOST_TEST(close(Eigen::Matrix<T, 1, 1>(fc), Eigen::Matrix<T, 1, 1>(ref), rtol, atol), what + " column-major");
  BOOST_TEST(close(G, GR, rtol, atol), what + " grad x");
  BOOST_TEST(close(Gc, GR, rtol, atol), what + " grad x, column-major");
  BOOST_TEST(close(GW, GWR, rtol, atol), what + " grad w");
  BOOST_TEST(close(losses, losses_ref, rtol, atol), what + " losses");
}

template <class E>
void check_sizes(E e, bool nonempty = false) {
  unsigned seed = 1;
  for (Eigen::Index d : {1, 3, 16, 37})
    for (Eigen::Index width : {1, 4, 40})
      for (Eigen::Index n : {0, 1, 9}) {
        batch b = make_batch(n, d, width, seed++, nonempty);
        check<double>(e, b, reduction::mean);
        check<float>(e, b, reduction::sum);
      }
}
}  // namespace

BOOST_AUTO_TEST_CASE(kernel_matches_reference) {
  check_sizes(margin_pairs);
  check_sizes(nested_max, true);
  check_sizes(listed_ce);
  check_sizes(row_pairs);
}

// The reference evaluator's derivatives (the symbolic ones the kernel runs)
// against central differences of its value, away from kinks.
BOOST_AUTO_TEST_CASE(derivatives_match_finite_differences) {
  auto fd_check = [](auto e, const char* what) {
    batch b = make_batch(4, 6, 5, 99, true);
    Rows G;
    Eigen::VectorXd GW;
    reference::evaluate(e, reduction::sum, x = b.X, m = b.M, w = b.W, Y = b.L, grad(x) = G, grad(w) = GW);
    auto value = [&] { return reference::evaluate(e, reduction::sum, x = b.X, m = b.M, w = b.W, Y = b.L); };
    BOOST_TEST(close(G, xloss::testing::fd_gradient(value, b.X), 1e-6, 1e-7), what);
    BOOST_TEST(close(GW, xloss::testing::fd_gradient(value, b.W), 1e-6, 1e-7), what);
  };
  fd_check(margin_pairs, "margin_pairs");
  fd_check(nested_max, "nested_max");
  fd_check(listed_ce, "listed_ce");
  fd_check(row_pairs, "row_pairs");
}

// Exact mathematics: with the list {c} and the mask 1 − onehot(c),
// margin_pairs is (1/D)·Σ_{k≠c} relu(1 − x_c + x_k); a −1 ends the list.
BOOST_AUTO_TEST_CASE(margin_pairs_by_hand) {
  Rows X(1, 4), M(1, 4), G;
  X << 0.5, -1.0, 0.75, 0.25;
  M << 1, 1, 0, 1;
  List L(1, 3);
  L << 2, -1, 1;
  const double want = (std::max(0.0, 1 - 0.75 + 0.5) + std::max(0.0, 1 - 0.75 - 1.0) + std::max(0.0, 1 - 0.75 + 0.25)) / 4;
  BOOST_TEST(evaluate(margin_pairs, reduction::sum, x = X, m = M, Y = L, grad(x) = G) == want, boost::test_tools::tolerance(1e-15));
  Rows expect(1, 4);
  expect << 0.25, 0, -0.5, 0.25;  // relu' = 1 at k = 0 and k = 3, scattered to −2/4 at the listed class
  BOOST_TEST(close(G, expect, 0, 1e-15));
}

BOOST_AUTO_TEST_CASE(bit_identical_for_any_thread_count) {
  batch b = make_batch(3001, 19, 6, 7);
  Rows G1, G2, G3;
  double l1 = evaluate(margin_pairs, reduction::mean, x = b.X, m = b.M, Y = b.L, grad(x) = G1, threads(1));
  double l2 = evaluate(margin_pairs, reduction::mean, x = b.X, m = b.M, Y = b.L, grad(x) = G2, threads(2));
  double l3 = evaluate(margin_pairs, reduction::mean, x = b.X, m = b.M, Y = b.L, grad(x) = G3, threads(3));
  BOOST_TEST(l1 == l2);
  BOOST_TEST(l1 == l3);
  BOOST_TEST((G1.array() == G2.array()).all());
  BOOST_TEST((G1.array() == G3.array()).all());
}

BOOST_AUTO_TEST_CASE(bad_label_lists_throw_naming_the_list) {
  batch b = make_batch(3, 5, 4, 3, true);
  auto message = [&](const List& L) -> std::string {
    try {
      evaluate(margin_pairs, reduction::sum, x = b.X, m = b.M, Y = L);
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "no exception";
  };
  List big = b.L;
  big(1, 0) = 5;  // == D
  BOOST_TEST(message(big).find("label list 'Y' has 5 at (1, 0), outside [0, 5)") != std::string::npos, message(big));
  List short_batch = b.L.topRows(2);
  BOOST_TEST(message(short_batch).find("'Y' has 2 samples") != std::string::npos, message(short_batch));
  List after_end = b.L;
  after_end(0, 1) = -1;
  after_end(0, 2) = 99;  // after the terminator: ignored
  BOOST_TEST(message(after_end) == "no exception");
}
