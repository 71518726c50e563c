// Symbolic derivatives: their forms (what the compiler derives), printed.
#define BOOST_TEST_MODULE derivative
#include <boost/test/unit_test.hpp>

#include <xloss/xloss.hpp>

using namespace xloss;
using namespace xloss::literals;

namespace {
constexpr auto x = scalar<"x">;
constexpr auto y = scalar<"y">;
constexpr auto m = param<"m">;
constexpr auto E = row<"E">;
constexpr auto lab = label<"lab">;
template <class A, class B> constexpr bool same = std::is_same_v<A, B>;
}  // namespace

// Derivative rules reuse forward values: the derivative of exp(x) *is* exp(x).
static_assert(same<decltype(d(exp(x), x)), decltype(exp(x))>);
static_assert(same<decltype(d(softplus(x), x)), decltype(sigmoid(x))>);
static_assert(same<decltype(d(x * y, y)), scalar_var<"x">>);
static_assert(same<decltype(d(x, y)), zero>);
static_assert(same<decltype(d(m * x, m)), scalar_var<"x">>);

BOOST_AUTO_TEST_CASE(elementwise_forms) {
  BOOST_TEST(to_string(d(softplus(x) - y * x, x)) == "sigmoid(x) - y");
  BOOST_TEST(to_string(d(softplus(x) - y * x, y)) == "-x");
  BOOST_TEST(to_string(d(sigmoid(x), x)) == "sigmoid(x) * (1 - sigmoid(x))");
  BOOST_TEST(to_string(d(log(x), x)) == "1 / x");
  BOOST_TEST(to_string(d(relu(m - x), x)) == "-select(m - x > 0, 1, 0)");
  BOOST_TEST(to_string(d(clamp_min(x, m), x)) == "select(x >= m, 1, 0)");
  BOOST_TEST(to_string(d(abs(x), x)) == "sign(x)");
  BOOST_TEST(to_string(d(max(x, y), x)) == "select(x > y, 1, select(x == y, 0.5, 0))");
}

BOOST_AUTO_TEST_CASE(row_gradients_collapse) {
  // Σ_j E[j] → every position gets 1; Σ_j E[j]² → 2·E[out].
  BOOST_TEST(to_string(d(sum(E), E)) == "1");
  BOOST_TEST(to_string(d(sum(E * E), E)) == "E[out] + E[out]");
  // A gather sends its adjoint to the label's position.
  BOOST_TEST(to_string(d(E[lab], E)) == "[lab == out]");
  // logsumexp: the softmax, from the pieces of logsumexp's stable form.
  BOOST_TEST(to_string(d(logsumexp(E), E)) == "exp(E[out] - max_j(E) - log(sum_j(exp(E - max_j(E)))))");
  // min over answers: the gradient lands on the argmin.
  BOOST_TEST(to_string(d(min_over(E), E)) == "[argmin_j(E) == out]");
  BOOST_TEST(to_string(d(min_where(E, j != lab), E)) == "[argmin_where_j(E, j != lab) == out]");
  // norm2: 0 at the zero vector (safe_div).
  BOOST_TEST(to_string(d(norm2(E), E)) == "safe_div(E[out], norm2_j(E))");
}

BOOST_AUTO_TEST_CASE(lowering_shares_the_exponential) {
  // softplus and sigmoid of the same argument lower to formulas sharing exp(-|x|).
  BOOST_TEST(to_string(plan::lower(softplus(x))) == "relu(x) + log1p(exp(-abs(x)))");
  BOOST_TEST(to_string(plan::lower(sigmoid(x))) == "select(x >= 0, 1, exp(-abs(x))) / (1 + exp(-abs(x)))");
  BOOST_TEST(to_string(plan::lower(logsumexp(E))) == "max_j(E) + log(sum_j(exp(E - max_j(E))))");
}
