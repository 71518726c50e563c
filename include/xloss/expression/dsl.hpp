// The DSL: functions and operators that build expressions, and the
// simplification rules they apply while building.
//
// Every builder is the single place where nodes of its operation are made —
// by users and by the derivative rules alike — so a rule written here keeps
// user expressions *and* derivatives small. Each rule has a name in a comment
// and a static_assert test right after its builder.
#pragma once

#include <xloss/expression/fwd.hpp>
#include <xloss/expression/primitives.hpp>

namespace xloss {

// ------------------------------------------------------------ kind checks
namespace detail {
template <class A>
constexpr void require_real() {
  static_assert(kind_v<A> != kind::index,
                "xloss: an index (label, inner position, argmin) is used where a real is needed; "
                "convert it with xloss::as_real(...)");
  static_assert(kind_v<A> != kind::mask,
                "xloss: a comparison (mask) is used where a real is needed; use select(cond, a, b)");
}
template <class A>
constexpr void require_mask() {
  static_assert(kind_v<A> == kind::mask, "xloss: a condition must be a comparison or a mask");
}
template <class A>
constexpr void require_index() {
  static_assert(kind_v<A> == kind::index,
                "xloss: a position must be an index: a label, an inner index or an argmin");
}

template <class E> inline constexpr bool is_kron_v = is_node_v<E, op::kron>;
template <class E> inline constexpr bool is_neg_v = is_node_v<E, op::neg>;
// arg_t<E, I>: the I-th operand of a node (void for anything else, so that
// rules can test operands of expressions that may not be nodes).
template <class E> struct args_of {
  template <std::size_t> using at = void;
};
template <class Op, class... A> struct args_of<expr<Op, A...>> {
  template <std::size_t I>
  using at = typename std::conditional_t<(I < sizeof...(A)), std::tuple_element<I, std::tuple<A...>>,
                                         std::type_identity<void>>::type;
};
template <class E, std::size_t I> using arg_t = typename args_of<E>::template at<I>;

// Is E a kron, or a sum/difference/negation with a kron among its terms?
// Such terms are kept apart so that sums over positions can collapse them.
template <class E> struct has_kron_term : std::bool_constant<is_kron_v<E>> {};
template <class Op, class... A>
  requires(std::is_same_v<Op, op::add> || std::is_same_v<Op, op::sub> || std::is_same_v<Op, op::neg>)
struct has_kron_term<expr<Op, A...>> : std::bool_constant<(has_kron_term<A>::value || ...)> {};
template <class E> inline constexpr bool has_kron_term_v = has_kron_term<E>::value;
template <class E>
inline constexpr bool is_kron_sum_v = (is_node_v<E, op::add> || is_node_v<E, op::sub>) && has_kron_term_v<E>;

// Same Kronecker selector [i == j] on both sides?
template <class A, class B>
inline constexpr bool same_kron_v = [] {
  if constexpr (is_kron_v<A> && is_kron_v<B>)
    return std::is_same_v<arg_t<A, 0>, arg_t<B, 0>> && std::is_same_v<arg_t<A, 1>, arg_t<B, 1>>;
  else
    return false;
}();

// a + b or a − b, through the simplifying builders (defined below).
template <class Op, class A, class B>
constexpr auto rebuild_binary(A a, B b) {
  if constexpr (std::is_same_v<Op, op::add>) return a + b;
  else return a - b;
}

constexpr std::intmax_t gcd(std::intmax_t a, std::intmax_t b) {
  a = a < 0 ? -a : a;
  b = b < 0 ? -b : b;
  while (b != 0) {
    std::intmax_t t = a % b;
    a = b;
    b = t;
  }
  return a == 0 ? 1 : a;
}
template <std::intmax_t N, std::intmax_t D>
using rational = constant<(D < 0 ? -N : N) / gcd(N, D), (D < 0 ? -D : D) / gcd(N, D)>;

template <class A> inline constexpr bool is_negative_constant_v = false;
template <std::intmax_t N, std::intmax_t D>
inline constexpr bool is_negative_constant_v<constant<N, D>> = (N < 0);
}  // namespace detail

// ------------------------------------------------------------ negation
template <expression A>
constexpr auto operator-(A a) {
  detail::require_real<A>();
  if constexpr (is_constant_v<A>)  // rule neg_fold: −(c) → (−c)
    return detail::rational<-A::num, A::den>{};
  else if constexpr (detail::is_neg_v<A>)  // rule neg_neg: −(−x) → x
    return detail::arg_t<A, 0>{};
  else if constexpr (is_node_v<A, op::sub>)  // rule neg_sub: −(a − b) → b − a
    return detail::arg_t<A, 1>{} - detail::arg_t<A, 0>{};
  else if constexpr (detail::is_kron_v<A>)  // rule kron_out_of_neg: −[i=j]h → [i=j](−h)
    return kron(detail::arg_t<A, 0>{}, detail::arg_t<A, 1>{}, -detail::arg_t<A, 2>{});
  else
    return expr<op::neg, A>{};
  (void)a;
}

// ------------------------------------------------------------ addition
template <expression A, expression B>
constexpr auto operator+(A a, B b) {
  detail::require_real<A>();
  detail::require_real<B>();
  if constexpr (is_zero_v<A>)  // rule add_zero: 0 + x → x
    return b;
  else if constexpr (is_zero_v<B>)  // rule add_zero: x + 0 → x
    return a;
  else if constexpr (is_constant_v<A> && is_constant_v<B>)  // rule add_fold
    return detail::rational<A::num * B::den + B::num * A::den, A::den * B::den>{};
  else if constexpr (detail::is_neg_v<B>)  // rule add_neg: x + (−y) → x − y
    return a - detail::arg_t<B, 0>{};
  else if constexpr (detail::is_negative_constant_v<B>)  // rule add_neg: x + (−c) → x − c
    return a - (-b);
  else if constexpr (detail::is_neg_v<A>)  // rule add_neg: (−x) + y → y − x
    return b - detail::arg_t<A, 0>{};
  else if constexpr (detail::same_kron_v<A, B>)  // rule kron_factor: [i=j]a + [i=j]b → [i=j](a + b)
    return kron(detail::arg_t<A, 0>{}, detail::arg_t<A, 1>{},
                detail::arg_t<A, 2>{} + detail::arg_t<B, 2>{});
  else
    return expr<op::add, A, B>{};
}

// ------------------------------------------------------------ subtraction
template <expression A, expression B>
constexpr auto operator-(A a, B b) {
  detail::require_real<A>();
  detail::require_real<B>();
  if constexpr (is_zero_v<B>)  // rule sub_zero: x − 0 → x
    return a;
  else if constexpr (is_zero_v<A>)  // rule sub_zero: 0 − x → −x
    return -b;
  else if constexpr (std::is_same_v<A, B>)  // rule sub_self: x − x → 0
    return zero{};
  else if constexpr (is_constant_v<A> && is_constant_v<B>)  // rule sub_fold
    return detail::rational<A::num * B::den - B::num * A::den, A::den * B::den>{};
  else if constexpr (detail::is_neg_v<B>)  // rule sub_neg: x − (−y) → x + y
    return a + detail::arg_t<B, 0>{};
  else if constexpr (detail::same_kron_v<A, B>)  // rule kron_factor
    return kron(detail::arg_t<A, 0>{}, detail::arg_t<A, 1>{},
                detail::arg_t<A, 2>{} - detail::arg_t<B, 2>{});
  else
    return expr<op::sub, A, B>{};
}

// ------------------------------------------------------------ multiplication
template <expression A, expression B>
constexpr auto operator*(A a, B b) {
  detail::require_real<A>();
  detail::require_real<B>();
  if constexpr (is_zero_v<A> || is_zero_v<B>)  // rule mul_zero: 0·x → 0 (strong zero)
    return zero{};
  else if constexpr (is_one_v<A>)  // rule mul_one: 1·x → x
    return b;
  else if constexpr (is_one_v<B>)  // rule mul_one: x·1 → x
    return a;
  else if constexpr (is_constant_v<A> && is_constant_v<B>)  // rule mul_fold
    return detail::rational<A::num * B::num, A::den * B::den>{};
  else if constexpr (std::is_same_v<A, constant<-1>>)  // rule mul_minus_one: (−1)·x → −x
    return -b;
  else if constexpr (is_constant_v<B>)  // rule mul_constant_first: x·c → c·x
    return b * a;
  else if constexpr (is_constant_v<A> && is_node_v<B, op::mul> &&
                     is_constant_v<detail::arg_t<B, 0>>)  // rule mul_fold: c·(d·x) → (cd)·x
    return (a * detail::arg_t<B, 0>{}) * detail::arg_t<B, 1>{};
  else if constexpr (detail::is_neg_v<A>)  // rule mul_neg: (−a)·b → −(a·b)
    return -(detail::arg_t<A, 0>{} * b);
  else if constexpr (detail::is_neg_v<B>)  // rule mul_neg: a·(−b) → −(a·b)
    return -(a * detail::arg_t<B, 0>{});
  else if constexpr (detail::is_kron_sum_v<B>)  // rule kron_distribute: a·(k1 ± k2) → a·k1 ± a·k2
    return detail::rebuild_binary<op_of<B>>(a * detail::arg_t<B, 0>{}, a * detail::arg_t<B, 1>{});
  else if constexpr (detail::is_kron_sum_v<A>)  // rule kron_distribute: (k1 ± k2)·b → k1·b ± k2·b
    return detail::rebuild_binary<op_of<A>>(detail::arg_t<A, 0>{} * b, detail::arg_t<A, 1>{} * b);
  else if constexpr (detail::is_kron_v<B>)  // rule kron_out_of_mul: a·[i=j]h → [i=j](a·h)
    return kron(detail::arg_t<B, 0>{}, detail::arg_t<B, 1>{}, a * detail::arg_t<B, 2>{});
  else if constexpr (detail::is_kron_v<A>)  // rule kron_out_of_mul: [i=j]h·b → [i=j](h·b)
    return kron(detail::arg_t<A, 0>{}, detail::arg_t<A, 1>{}, detail::arg_t<A, 2>{} * b);
  else if constexpr (is_node_v<A, op::select> && is_constant_v<detail::arg_t<A, 1>> &&
                     is_constant_v<detail::arg_t<A, 2>>)
    // rule select_distribute: select(c, k1, k2)·x → select(c, k1·x, k2·x)
    return select(detail::arg_t<A, 0>{}, detail::arg_t<A, 1>{} * b, detail::arg_t<A, 2>{} * b);
  else if constexpr (is_node_v<B, op::select> && is_constant_v<detail::arg_t<B, 1>> &&
                     is_constant_v<detail::arg_t<B, 2>>)
    return select(detail::arg_t<B, 0>{}, a * detail::arg_t<B, 1>{}, a * detail::arg_t<B, 2>{});
  else
    return expr<op::mul, A, B>{};
}

// ------------------------------------------------------------ division
template <expression A, expression B>
constexpr auto operator/(A a, B b) {
  detail::require_real<A>();
  detail::require_real<B>();
  static_assert(!is_zero_v<B>, "xloss: division by the constant 0");
  if constexpr (is_zero_v<A>)  // rule div_zero: 0/x → 0
    return zero{};
  else if constexpr (is_one_v<B>)  // rule div_one: x/1 → x
    return a;
  else if constexpr (is_constant_v<A> && is_constant_v<B>)  // rule div_fold
    return detail::rational<A::num * B::den, A::den * B::num>{};
  else if constexpr (is_constant_v<B>)  // rule div_constant: x/c → (1/c)·x
    return detail::rational<B::den, B::num>{} * a;
  else if constexpr (detail::is_neg_v<A>)  // rule div_neg: (−a)/b → −(a/b)
    return -(detail::arg_t<A, 0>{} / b);
  else if constexpr (detail::is_kron_sum_v<A>)  // rule kron_distribute: (k1 ± k2)/b → k1/b ± k2/b
    return detail::rebuild_binary<op_of<A>>(detail::arg_t<A, 0>{} / b, detail::arg_t<A, 1>{} / b);
  else if constexpr (detail::is_kron_v<A>)  // rule kron_out_of_div
    return kron(detail::arg_t<A, 0>{}, detail::arg_t<A, 1>{}, detail::arg_t<A, 2>{} / b);
  else
    return expr<op::div, A, B>{};
}

// ------------------------------------------------------------ unary functions
// rule fold_exp: exp(0) → 1;  rule fold_log: log(1) → 0.
template <expression A> constexpr auto exp(A) {
  detail::require_real<A>();
  if constexpr (is_zero_v<A>) return one{};
  else return expr<op::exp, A>{};
}
template <expression A> constexpr auto log(A) {
  detail::require_real<A>();
  if constexpr (is_one_v<A>) return zero{};
  else return expr<op::log, A>{};
}
#define XLOSS_DEFINE_UNARY(fn)                     \
  template <expression A> constexpr auto fn(A) {   \
    detail::require_real<A>();                     \
    return expr<op::fn, A>{};                      \
  }
XLOSS_DEFINE_UNARY(log1p)
XLOSS_DEFINE_UNARY(expm1)
XLOSS_DEFINE_UNARY(sqrt)
XLOSS_DEFINE_UNARY(tanh)
XLOSS_DEFINE_UNARY(sigmoid)
XLOSS_DEFINE_UNARY(softplus)
XLOSS_DEFINE_UNARY(log_sigmoid)
XLOSS_DEFINE_UNARY(sign)
XLOSS_DEFINE_UNARY(relu)
#undef XLOSS_DEFINE_UNARY
// rule abs_neg: |−a| → |a| (so that sigmoid(x) and sigmoid(−x) share exp(−|x|))
template <expression A> constexpr auto abs(A) {
  detail::require_real<A>();
  if constexpr (detail::is_neg_v<A>) return expr<op::abs, detail::arg_t<A, 0>>{};
  else return expr<op::abs, A>{};
}

// hinge(z) = max(0, z), the EBM hinge (gradient [z > 0]).
template <expression A> constexpr auto hinge(A a) { return relu(a); }
template <expression A> constexpr auto square(A a) { return a * a; }

template <expression A, expression B> constexpr auto safe_div(A a, B) {
  detail::require_real<A>();
  detail::require_real<B>();
  if constexpr (is_zero_v<A>) return zero{};  // rule div_zero
  else return expr<op::safe_div, A, B>{};
  (void)a;
}
template <expression A, expression P> constexpr auto pow(A a, P) {
  detail::require_real<A>();
  detail::require_real<P>();
  if constexpr (is_one_v<P>) return a;  // rule pow_one: a¹ → a
  else if constexpr (std::is_same_v<P, constant<2>>) return a * a;  // rule pow_two: a² → a·a
  else return expr<op::pow, A, P>{};
}

template <expression A, expression B> constexpr auto max(A, B) {
  detail::require_real<A>();
  detail::require_real<B>();
  return expr<op::max, A, B>{};
}
template <expression A, expression B> constexpr auto min(A, B) {
  detail::require_real<A>();
  detail::require_real<B>();
  return expr<op::min, A, B>{};
}
// clamp_min(a, c) = max(a, c) with the gradient flowing to a at a == c.
template <expression A, expression C> constexpr auto clamp_min(A, C) {
  detail::require_real<A>();
  detail::require_real<C>();
  return expr<op::clamp_min, A, C>{};
}
// clamp_max(a, c) = min(a, c) = −clamp_min(−a, −c); gradient flows at a == c.
template <expression A, expression C> constexpr auto clamp_max(A a, C c) {
  return -clamp_min(-a, -c);
}
// clamp(a, lo, hi); the gradient flows at both boundaries (PyTorch's clamp).
template <expression A, expression L, expression H> constexpr auto clamp(A a, L lo, H hi) {
  return clamp_min(clamp_max(a, hi), lo);
}

// ------------------------------------------------------------ selection
template <expression C, expression A, expression B>
constexpr auto select(C, A a, B b) {
  detail::require_mask<C>();
  detail::require_real<A>();
  detail::require_real<B>();
  if constexpr (std::is_same_v<A, B>)  // rule select_same: select(c, x, x) → x
    return a;
  else if constexpr (detail::same_kron_v<A, B>)  // rule kron_out_of_select
    return kron(detail::arg_t<A, 0>{}, detail::arg_t<A, 1>{},
                select(C{}, detail::arg_t<A, 2>{}, detail::arg_t<B, 2>{}));
  else if constexpr (detail::is_kron_sum_v<A> && is_zero_v<B>)
    // rule kron_distribute: select(c, k1 ± k2, 0) → select(c, k1, 0) ± select(c, k2, 0)
    return detail::rebuild_binary<op_of<A>>(select(C{}, detail::arg_t<A, 0>{}, b), select(C{}, detail::arg_t<A, 1>{}, b));
  else if constexpr (is_zero_v<A> && detail::is_kron_sum_v<B>)
    return detail::rebuild_binary<op_of<B>>(select(C{}, a, detail::arg_t<B, 0>{}), select(C{}, a, detail::arg_t<B, 1>{}));
  else if constexpr (detail::is_kron_v<A> && is_zero_v<B>)  // rule kron_out_of_select
    return kron(detail::arg_t<A, 0>{}, detail::arg_t<A, 1>{}, select(C{}, detail::arg_t<A, 2>{}, b));
  else if constexpr (is_zero_v<A> && detail::is_kron_v<B>)  // rule kron_out_of_select
    return kron(detail::arg_t<B, 0>{}, detail::arg_t<B, 1>{}, select(C{}, a, detail::arg_t<B, 2>{}));
  else
    return expr<op::select, C, A, B>{};
}

template <expression I, expression J, expression H>
constexpr auto kron(I, J, H h) {
  detail::require_index<I>();
  detail::require_index<J>();
  detail::require_real<H>();
  if constexpr (is_zero_v<H>)  // rule kron_zero: [i=j]·0 → 0
    return zero{};
  else if constexpr (std::is_same_v<I, J>)  // rule kron_same: [i=i]·h → h
    return h;
  else
    return expr<op::kron, I, J, H>{};
}

// ------------------------------------------------------------ comparisons
#define XLOSS_DEFINE_COMPARISON(SYM, OP)                                    \
  template <expression A, expression B> constexpr auto operator SYM(A, B) { \
    static_assert(kind_v<A> == kind_v<B> && kind_v<A> != kind::mask,        \
                  "xloss: compare reals with reals and indices with indices"); \
    return expr<op::OP, A, B>{};                                            \
  }
XLOSS_DEFINE_COMPARISON(<, lt)
XLOSS_DEFINE_COMPARISON(<=, le)
XLOSS_DEFINE_COMPARISON(>, gt)
XLOSS_DEFINE_COMPARISON(>=, ge)
XLOSS_DEFINE_COMPARISON(==, eq)
XLOSS_DEFINE_COMPARISON(!=, ne)
#undef XLOSS_DEFINE_COMPARISON

template <expression A, expression B> constexpr auto operator&&(A, B) {
  detail::require_mask<A>();
  detail::require_mask<B>();
  return expr<op::mask_and, A, B>{};
}
template <expression A, expression B> constexpr auto operator||(A, B) {
  detail::require_mask<A>();
  detail::require_mask<B>();
  return expr<op::mask_or, A, B>{};
}
template <expression A> constexpr auto operator!(A) {
  detail::require_mask<A>();
  return expr<op::mask_not, A>{};
}

// as_real(i): an index used as a number, e.g. |as_real(j) − as_real(y)|.
template <expression A> constexpr auto as_real(A) {
  detail::require_index<A>();
  return expr<op::as_real, A>{};
}

// ------------------------------------------------------------ literals
// Compile-time constants: 2_c, 0.5_c, 1e-3_c (exact rationals, folded).
// A runtime value is a parameter instead: param<"margin">.
namespace literals {
template <char... C>
constexpr auto operator""_c() {
  constexpr auto parsed = [] {
    constexpr char s[] = {C..., '\0'};
    std::intmax_t num = 0, den = 1;
    int exp10 = 0, i = 0;
    bool frac = false;
    for (; s[i] != '\0' && s[i] != 'e' && s[i] != 'E'; ++i) {
      if (s[i] == '.') { frac = true; continue; }
      if (s[i] == '\'') continue;
      num = num * 10 + (s[i] - '0');
      if (frac) den *= 10;
    }
    if (s[i] == 'e' || s[i] == 'E') {
      ++i;
      bool negative = s[i] == '-';
      if (s[i] == '-' || s[i] == '+') ++i;
      for (; s[i] != '\0'; ++i) exp10 = exp10 * 10 + (s[i] - '0');
      if (negative) exp10 = -exp10;
    }
    for (; exp10 > 0; --exp10) num *= 10;
    for (; exp10 < 0; ++exp10) den *= 10;
    struct r { std::intmax_t n, d; };
    return r{num, den};
  }();
  return detail::rational<parsed.n, parsed.d>{};
}
}  // namespace literals

// Mixing a runtime number into an expression cannot be folded into its type.
template <class N>
concept runtime_number = std::is_arithmetic_v<N>;
#define XLOSS_REJECT_NUMBER(SYM)                                                                         \
  template <expression A, runtime_number N> constexpr auto operator SYM(N, A) { reject_number<N>(); }   \
  template <expression A, runtime_number N> constexpr auto operator SYM(A, N) { reject_number<N>(); }
template <class N>
constexpr void reject_number() {
  static_assert(sizeof(N) == 0,
                "xloss: use a compile-time constant (2_c, 0.5_c) or a parameter (param<\"name\">), "
                "not a runtime number, inside an expression");
}
XLOSS_REJECT_NUMBER(+)
XLOSS_REJECT_NUMBER(-)
XLOSS_REJECT_NUMBER(*)
XLOSS_REJECT_NUMBER(/)
#undef XLOSS_REJECT_NUMBER

}  // namespace xloss
