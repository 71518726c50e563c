// The plan, tested as a plan: what is evaluated once, how many passes.
#define BOOST_TEST_MODULE plan
#include <boost/test/unit_test.hpp>

#include <cmath>

#include <xloss/xloss.hpp>

using namespace xloss;
using namespace xloss::literals;

namespace {
constexpr auto x = scalar<"x">;
constexpr auto y = scalar<"y">;
constexpr auto anchor = row<"a">;
constexpr auto pos = row<"p">;
constexpr auto neg = row<"n">;
constexpr auto E = row<"E">;
constexpr auto lab = label<"lab">;
constexpr auto bce = softplus(x) - y * x;

// BCE-with-logits, value + gradient: one loop over samples, exp evaluated
// once per element (shared by softplus and sigmoid), log1p once.
using bce_plan = plan_for<decltype(bce), decltype(x), decltype(y)>;
static_assert(bce_plan::elementwise);
static_assert(plan::count_v<bce_plan::sample, op::exp> == 1);
static_assert(plan::count_v<bce_plan::sample, op::log1p> == 1);
static_assert(plan::count_v<bce_plan::sample, op::abs> == 1);

// Triplet margin: one fused pass computing both distances, then one pass
// writing the three row gradients; the norms are not recomputed there.
constexpr auto triplet = clamp_min(norm2(anchor - pos + 1e-6_c) - norm2(anchor - neg + 1e-6_c) + 1_c, 0_c);
using triplet_plan = plan_for<decltype(triplet), decltype(anchor), decltype(pos), decltype(neg)>;
static_assert(!triplet_plan::elementwise);
static_assert(triplet_plan::stages == 1);
static_assert(triplet_plan::reductions_at<1>::size == 2);
static_assert(plan::count_v<triplet_plan::grad_schedule, op::sqrt> == 0);
static_assert(plan::count_v<triplet_plan::sample, op::sqrt> == 2);

// NLL: logsumexp needs its maximum first, so two passes, then the gradient.
constexpr auto nll = E[lab] + logsumexp(-E);
using nll_plan = plan_for<decltype(nll), decltype(E)>;
static_assert(nll_plan::stages == 2);
static_assert(plan::count_v<nll_plan::pass_schedule<2, plan::row_loop<>>, op::exp> == 1);
static_assert(plan::count_v<nll_plan::grad_schedule, op::exp> == 1);
// The gather's adjoint [lab = out]·1 is a point scatter: added at lab after
// the gradient pass, not compared with every position in it.
static_assert(plan::count_v<nll_plan::grad_schedule, op::kron> == 0);
static_assert(detail::nth_t<nll_plan::scatters, 0>::size == 1);
static_assert(plan::is_point_scatter_v<detail::nth_t<detail::nth_t<nll_plan::scatters, 0>, 0>>);
// A gather alone: the dense part of its gradient is 0, the pass writes zeros.
using gather_plan = plan_for<decltype(-E[lab]), decltype(E)>;
static_assert(std::is_same_v<gather_plan::row_grads, detail::tlist<zero>>);
static_assert(plan::count_v<gather_plan::grad_schedule, op::kron> == 0);

// A row gradient that needs nothing from the last row pass is written during
// it (one sweep over the row for value and gradient): a weighted sum, a
// MultiMargin-like hinge; not when it needs the pass's result (logsumexp's
// softmax, triplet's norms).
constexpr auto hinge_sum = sum(select(j != lab, relu(1_c - E[lab] + E), 0_c));
static_assert(plan_for<decltype(hinge_sum), decltype(E)>::grads_in_last_pass);
static_assert(plan_for<decltype(x * sum(E * E)), decltype(E)>::grads_in_last_pass);
// MultiLabelSoftMargin: its value and gradient share exp(−|x|) (log-sigmoid
// and its derivative), computed once per element in the one sweep.
constexpr auto soft_margin_row = sum(-(x * log_sigmoid(E) + (1_c - x) * log_sigmoid(-E)));
using soft_margin_plan = plan_for<decltype(soft_margin_row), decltype(E)>;
static_assert(soft_margin_plan::grads_in_last_pass);
static_assert(plan::count_v<soft_margin_plan::last_pass_schedule<>, op::exp> == 1);
static_assert(plan::count_v<soft_margin_plan::last_pass_schedule<>, op::log1p> == 1);
static_assert(!nll_plan::grads_in_last_pass);
static_assert(!triplet_plan::grads_in_last_pass);

}  // namespace

// An operation-counting scalar: the fused kernel run on it (one lane) must
// call exp exactly once per element for BCE-with-logits value + gradient.
// (Outside the anonymous namespace: not every operator is used, by design.)
namespace counting {
struct counted {
  double v = 0;
  counted() = default;
  counted(double d) : v(d) {}  // NOLINT: implicit like a number
  explicit operator double() const { return v; }
  static inline long exps = 0, logs = 0;
  friend counted operator+(counted a, counted b) { return a.v + b.v; }
  friend counted operator-(counted a, counted b) { return a.v - b.v; }
  friend counted operator*(counted a, counted b) { return a.v * b.v; }
  friend counted operator/(counted a, counted b) { return a.v / b.v; }
  friend counted operator-(counted a) { return -a.v; }
  friend bool operator<(counted a, counted b) { return a.v < b.v; }
  friend bool operator<=(counted a, counted b) { return a.v <= b.v; }
  friend bool operator>(counted a, counted b) { return a.v > b.v; }
  friend bool operator>=(counted a, counted b) { return a.v >= b.v; }
  friend bool operator==(counted a, counted b) { return a.v == b.v; }
  friend bool operator!=(counted a, counted b) { return a.v != b.v; }
  friend counted exp(counted a) { ++exps; return std::exp(a.v); }
  friend counted log(counted a) { ++logs; return std::log(a.v); }
  friend counted log1p(counted a) { ++logs; return std::log1p(a.v); }
  friend counted abs(counted a) { return std::fabs(a.v); }
};
}  // namespace counting
using counting::counted;

template <>
struct Eigen::NumTraits<counted> : Eigen::GenericNumTraits<double> {
  using Real = counted;
  using NonInteger = counted;
  using Nested = counted;
  using Literal = counted;
};

BOOST_AUTO_TEST_CASE(bce_calls_exp_once_per_element) {
  const int N = 1000;
  Eigen::Matrix<counted, Eigen::Dynamic, 1> X(N), Y(N), G(N);
  for (int i = 0; i < N; ++i) {
    X[i] = std::sin(i) * 30;
    Y[i] = i % 2;
  }
  counted::exps = counted::logs = 0;
  counted L = evaluate(bce, reduction::mean, x = X, y = Y, grad(x) = G);
  BOOST_TEST(counted::exps == N);
  BOOST_TEST(counted::logs == N);
  // And the numbers are right: the counting type computes in double.
  double want = 0;
  for (int i = 0; i < N; ++i) {
    double v = X[i].v;
    want += std::max(v, 0.0) + std::log1p(std::exp(-std::fabs(v))) - Y[i].v * v;
    BOOST_TEST(G[i].v == (1 / (1 + std::exp(-v)) - Y[i].v) / N, boost::test_tools::tolerance(1e-12));
  }
  BOOST_TEST(L.v == want / N, boost::test_tools::tolerance(1e-13));
}
