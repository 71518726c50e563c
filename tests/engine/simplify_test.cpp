// Each simplification rule of expression/dsl.hpp and substitute.hpp, by name,
// as a compile-time check of the type it builds.
#define BOOST_TEST_MODULE simplify
#include <boost/test/unit_test.hpp>

#include <xloss/xloss.hpp>

using namespace xloss;
using namespace xloss::literals;

namespace {
constexpr auto x = scalar<"x">;
constexpr auto y = scalar<"y">;
constexpr auto E = row<"E">;
constexpr auto lab = label<"lab">;
using X = scalar_var<"x">;
using Y = scalar_var<"y">;
template <class A, class B> constexpr bool same = std::is_same_v<A, B>;
}  // namespace

// rule neg_fold / neg_neg / neg_sub / kron_out_of_neg
static_assert(same<decltype(-2_c), constant<-2>>);
static_assert(same<decltype(-(-x)), X>);
static_assert(same<decltype(-(x - y)), decltype(y - x)>);
static_assert(same<decltype(-kron(lab, out, x)), decltype(kron(lab, out, -x))>);
// rule add_zero / add_fold / add_neg / kron_factor
static_assert(same<decltype(0_c + x), X> && same<decltype(x + 0_c), X>);
static_assert(same<decltype(1_c + 0.5_c), constant<3, 2>>);
static_assert(same<decltype(x + (-y)), decltype(x - y)>);
static_assert(same<decltype(x + (-2_c)), decltype(x - 2_c)>);
static_assert(same<decltype((-x) + y), decltype(y - x)>);
static_assert(same<decltype(kron(lab, out, x) + kron(lab, out, y)), decltype(kron(lab, out, x + y))>);
// rule sub_zero / sub_self / sub_fold / sub_neg
static_assert(same<decltype(x - 0_c), X>);
static_assert(same<decltype(0_c - x), decltype(-x)>);
static_assert(same<decltype(x - x), zero>);
static_assert(same<decltype(1_c - 0.25_c), constant<3, 4>>);
static_assert(same<decltype(x - (-y)), decltype(x + y)>);
// rule mul_zero / mul_one / mul_fold / mul_minus_one / mul_constant_first / mul_neg
static_assert(same<decltype(0_c * x), zero> && same<decltype(x * 0_c), zero>);
static_assert(same<decltype(1_c * x), X> && same<decltype(x * 1_c), X>);
static_assert(same<decltype(2_c * 3_c), constant<6>>);
static_assert(same<decltype(2_c * (3_c * x)), decltype(6_c * x)>);
static_assert(same<decltype(constant<-1>{} * x), decltype(-x)>);
static_assert(same<decltype(x * 2_c), decltype(2_c * x)>);
static_assert(same<decltype((-x) * y), decltype(-(x * y))>);
static_assert(same<decltype(x * (-y)), decltype(-(x * y))>);
// rule kron_out_of_mul / kron_out_of_div
static_assert(same<decltype(x * kron(lab, out, y)), decltype(kron(lab, out, x * y))>);
static_assert(same<decltype(kron(lab, out, y) * x), decltype(kron(lab, out, y * x))>);
static_assert(same<decltype(kron(lab, out, y) / x), decltype(kron(lab, out, y / x))>);
// rule select_distribute: select(c, k1, k2)·x → select(c, k1·x, k2·x)
static_assert(same<decltype(select(x > 0_c, 1_c, 0_c) * y), decltype(select(x > 0_c, y, 0_c))>);
// rule div_zero / div_one / div_fold / div_constant / div_neg
static_assert(same<decltype(0_c / x), zero>);
static_assert(same<decltype(x / 1_c), X>);
static_assert(same<decltype(1_c / 4_c), constant<1, 4>>);
static_assert(same<decltype(x / 4_c), decltype(0.25_c * x)>);
static_assert(same<decltype((-x) / y), decltype(-(x / y))>);
// rule fold_exp / fold_log / pow_one / pow_two
static_assert(same<decltype(exp(0_c)), one> && same<decltype(log(1_c)), zero>);
static_assert(same<decltype(pow(x, 1_c)), X> && same<decltype(pow(x, 2_c)), decltype(x * x)>);
// rule select_same / kron_out_of_select
static_assert(same<decltype(select(x > y, x, x)), X>);
static_assert(same<decltype(select(x > y, kron(lab, out, x), 0_c)), decltype(kron(lab, out, select(x > y, x, 0_c)))>);
// rule kron_zero / kron_same
static_assert(same<decltype(kron(lab, out, 0_c)), zero>);
static_assert(same<decltype(kron(lab, lab, x)), X>);
// rule at_j: X[j] → X
static_assert(same<decltype(E[j]), row_var<"E">>);
// rule sum_zero / sum_invariant / sum_kron / sum_kron_hoist / sum_split
static_assert(same<decltype(sum(0_c)), zero>);
static_assert(same<decltype(sum(x)), decltype(x * extent_of())>);
static_assert(same<decltype(sum(kron(j, out, E))), decltype(E[out])>);
static_assert(same<decltype(sum(kron(lab, out, E))), decltype(kron(lab, out, sum(E)))>);
static_assert(same<decltype(sum(kron(j, out, x) + E)), decltype(x + sum(E))>);

BOOST_AUTO_TEST_CASE(rules_are_compile_time_checks) {
  // Everything above is a static_assert; this case only prints a few rewritten
  // forms so that a failure of the printer is visible too.
  BOOST_TEST(to_string(x * 2_c + 0_c) == "2 * x");
  BOOST_TEST(to_string(-(x - y)) == "y - x");
  BOOST_TEST(to_string(x / 4_c) == "0.25 * x");
  BOOST_TEST(to_string(sum(kron(j, out, exp(E)))) == "exp(E[out])");
}
