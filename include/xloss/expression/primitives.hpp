// The elementwise primitives: one small definition each.
//
// Every primitive is a struct with
//   name / symbol     how it prints,
//   eval(v...)        its value rule on lanes (scalars or SIMD packs, see
//                     kernel/lanes.hpp) — the vectorised form,
//   partial(I, self, a...)
//                     its derivative rule: ∂self/∂a_I as an *expression*,
//                     allowed to reuse the forward value `self`,
//   lower(a...)       (optional) the numerically stable formula the planner
//                     evaluates instead, written in simpler primitives;
//                     derivatives are taken before lowering, so they may
//                     refer to the high-level node and share it,
//   derive(self, da...) (optional) a whole derivative rule replacing the chain
//                     rule Σ partial·da (selections route, they don't multiply).
// Subgradients at kinks are stated beside each rule; the catalogue picks the
// primitive whose convention matches the loss it implements.
//
// Reductions over an inner index live in reductions.hpp.
#pragma once

#include <type_traits>

#include <xloss/expression/expr.hpp>
#include <xloss/expression/fwd.hpp>
#include <xloss/kernel/lanes.hpp>

namespace xloss {

template <int I> using arg_c = std::integral_constant<int, I>;

// Printing styles.
enum class print_style { call, infix, prefix };

namespace op {

// ------------------------------------------------------------ arithmetic
struct add {
  static constexpr std::string_view symbol = "+";
  static constexpr print_style style = print_style::infix;
  static constexpr int precedence = 1;
  template <class V> static V eval(const V& a, const V& b) { return a + b; }
  static constexpr auto partial(arg_c<0>, auto, auto, auto) { return one{}; }
  static constexpr auto partial(arg_c<1>, auto, auto, auto) { return one{}; }
};
struct sub {
  static constexpr std::string_view symbol = "-";
  static constexpr print_style style = print_style::infix;
  static constexpr int precedence = 1;
  template <class V> static V eval(const V& a, const V& b) { return a - b; }
  static constexpr auto partial(arg_c<0>, auto, auto, auto) { return one{}; }
  static constexpr auto partial(arg_c<1>, auto, auto, auto) { return constant<-1>{}; }
};
struct mul {
  static constexpr std::string_view symbol = "*";
  static constexpr print_style style = print_style::infix;
  static constexpr int precedence = 2;
  template <class V> static V eval(const V& a, const V& b) { return a * b; }
  static constexpr auto partial(arg_c<0>, auto, auto, auto b) { return b; }
  static constexpr auto partial(arg_c<1>, auto, auto a, auto) { return a; }
};
// a / b;  ∂a = 1/b,  ∂b = −(a/b)/b  (reuses the quotient).
struct div {
  static constexpr std::string_view symbol = "/";
  static constexpr print_style style = print_style::infix;
  static constexpr int precedence = 2;
  template <class V> static V eval(const V& a, const V& b) { return a / b; }
  static constexpr auto partial(arg_c<0>, auto, auto, auto b) { return one{} / b; }
  static constexpr auto partial(arg_c<1>, auto self, auto, auto b) { return -(self / b); }
};
struct neg {
  static constexpr std::string_view symbol = "-";
  static constexpr print_style style = print_style::prefix;
  static constexpr int precedence = 3;
  template <class V> static V eval(const V& a) { return -a; }
  static constexpr auto partial(arg_c<0>, auto, auto) { return constant<-1>{}; }
};

// ------------------------------------------------------------ transcendental
// exp;  ∂ = exp (the forward value).
struct exp {
  static constexpr std::string_view name = "exp";
  template <class V> static V eval(const V& a) { return lane::exp(a); }
  static constexpr auto partial(arg_c<0>, auto self, auto) { return self; }
};
// log;  ∂ = 1/a.
struct log {
  static constexpr std::string_view name = "log";
  template <class V> static V eval(const V& a) { return lane::log(a); }
  static constexpr auto partial(arg_c<0>, auto, auto a) { return one{} / a; }
};
// log1p(a) = log(1 + a), accurate for small a;  ∂ = 1/(1 + a).
struct log1p {
  static constexpr std::string_view name = "log1p";
  template <class V> static V eval(const V& a) { return lane::log1p(a); }
  static constexpr auto partial(arg_c<0>, auto, auto a) { return one{} / (one{} + a); }
};
// expm1(a) = exp(a) − 1, accurate for small a;  ∂ = exp(a) (not expm1 + 1,
// which cancels to 0 for a ≪ 0).
struct expm1 {
  static constexpr std::string_view name = "expm1";
  template <class V> static V eval(const V& a) { return lane::expm1(a); }
  static constexpr auto partial(arg_c<0>, auto, auto a) { return xloss::exp(a); }
};
// sqrt;  ∂ = 1/(2·sqrt) (reuses the value; +inf at 0, as in PyTorch).
struct sqrt {
  static constexpr std::string_view name = "sqrt";
  template <class V> static V eval(const V& a) { return lane::sqrt(a); }
  static constexpr auto partial(arg_c<0>, auto self, auto) { return constant<1, 2>{} / self; }
};
// tanh;  ∂ = 1 − tanh².
struct tanh {
  static constexpr std::string_view name = "tanh";
  template <class V> static V eval(const V& a) { return lane::tanh(a); }
  static constexpr auto partial(arg_c<0>, auto self, auto) { return one{} - self * self; }
};
// sigmoid(a) = 1/(1 + e^−a);  ∂ = s·(1 − s).
// Stable form: with e = exp(−|a|) ∈ (0, 1], s = (a ≥ 0 ? 1 : e)/(1 + e);
// e is shared with softplus/log_sigmoid of the same argument.
struct sigmoid {
  static constexpr std::string_view name = "sigmoid";
  static constexpr auto partial(arg_c<0>, auto self, auto) { return self * (one{} - self); }
  static constexpr auto lower(auto a) {
    auto e = xloss::exp(-xloss::abs(a));
    return xloss::select(a >= zero{}, one{}, e) / (one{} + e);
  }
};
// softplus(a) = log(1 + e^a);  ∂ = sigmoid(a).
// Stable form: relu(a) + log1p(exp(−|a|)) (never overflows; exact 0 only
// when exp(−|a|) underflows).
struct softplus {
  static constexpr std::string_view name = "softplus";
  static constexpr auto partial(arg_c<0>, auto, auto a) { return xloss::sigmoid(a); }
  static constexpr auto lower(auto a) {
    return xloss::relu(a) + xloss::log1p(xloss::exp(-xloss::abs(a)));
  }
};
// log_sigmoid(a) = −softplus(−a);  ∂ = sigmoid(−a).
// Stable form: min(a, 0) − log1p(exp(−|a|)).
struct log_sigmoid {
  static constexpr std::string_view name = "log_sigmoid";
  static constexpr auto partial(arg_c<0>, auto, auto a) { return xloss::sigmoid(-a); }
  static constexpr auto lower(auto a) {
    return -xloss::relu(-a) - xloss::log1p(xloss::exp(-xloss::abs(a)));
  }
};

// ------------------------------------------------------------ piecewise
// |a|;  ∂ = sign(a), subgradient 0 at a = 0 (PyTorch's convention).
struct abs {
  static constexpr std::string_view name = "abs";
  template <class V> static V eval(const V& a) { return lane::abs(a); }
  static constexpr auto partial(arg_c<0>, auto, auto a) { return xloss::sign(a); }
};
// sign(a) ∈ {−1, 0, 1} (NaN for NaN);  ∂ = 0.
struct sign {
  static constexpr std::string_view name = "sign";
  template <class V> static V eval(const V& a) {
    return lane::select(a > V(0), V(1), lane::select(a < V(0), V(-1), a * V(0)));
  }
  static constexpr auto partial(arg_c<0>, auto, auto) { return zero{}; }
};
// relu(a) = max(a, 0);  ∂ = [a > 0]: the boundary is inactive (PyTorch's relu,
// the EBM hinge convention).
struct relu {
  static constexpr std::string_view name = "relu";
  template <class V> static V eval(const V& a) { return lane::max(a, V(0)); }
  static constexpr auto partial(arg_c<0>, auto, auto a) {
    return xloss::select(a > zero{}, one{}, zero{});
  }
};
// clamp_min(a, c) = max(a, c);  ∂a = [a ≥ c], ∂c = [a < c]: the gradient
// flows to `a` at equality (PyTorch's clamp_min, used by MarginRanking,
// HingeEmbedding, Triplet, CosineEmbedding).
struct clamp_min {
  static constexpr std::string_view name = "clamp_min";
  template <class V> static V eval(const V& a, const V& c) { return lane::select(a < c, c, a); }
  static constexpr auto partial(arg_c<0>, auto, auto a, auto c) {
    return xloss::select(a >= c, one{}, zero{});
  }
  static constexpr auto partial(arg_c<1>, auto, auto a, auto c) {
    return xloss::select(a < c, one{}, zero{});
  }
};
// max(a, b);  ∂a = [a > b] + ½[a = b]: ties split the gradient (PyTorch's
// maximum). min is its mirror image.
struct max {
  static constexpr std::string_view name = "max";
  template <class V> static V eval(const V& a, const V& b) { return lane::max(a, b); }
  static constexpr auto partial(arg_c<0>, auto, auto a, auto b) {
    return xloss::select(a > b, one{}, xloss::select(a == b, constant<1, 2>{}, zero{}));
  }
  static constexpr auto partial(arg_c<1>, auto, auto a, auto b) {
    return xloss::select(b > a, one{}, xloss::select(a == b, constant<1, 2>{}, zero{}));
  }
};
struct min {
  static constexpr std::string_view name = "min";
  template <class V> static V eval(const V& a, const V& b) { return lane::min(a, b); }
  static constexpr auto partial(arg_c<0>, auto, auto a, auto b) {
    return xloss::select(a < b, one{}, xloss::select(a == b, constant<1, 2>{}, zero{}));
  }
  static constexpr auto partial(arg_c<1>, auto, auto a, auto b) {
    return xloss::select(b < a, one{}, xloss::select(a == b, constant<1, 2>{}, zero{}));
  }
};
// safe_div(a, b) = (b == 0 ? 0 : a/b). The gradient of a norm at the zero
// vector is 0 (PyTorch's convention); this primitive expresses that.
struct safe_div {
  static constexpr std::string_view name = "safe_div";
  template <class V> static V eval(const V& a, const V& b) {
    return lane::select(b == V(0), V(0), a / b);
  }
  static constexpr auto partial(arg_c<0>, auto, auto, auto b) { return xloss::safe_div(one{}, b); }
  static constexpr auto partial(arg_c<1>, auto self, auto, auto b) { return -xloss::safe_div(self, b); }
};
// pow(a, p) for a ≥ 0, any real exponent p (a parameter or a constant):
// evaluated as exp(p·log a), with pow(0, p) = 0 for p > 0 and 1 for p = 0.
// ∂a = p·a^(p−1) (reuses the value: p·self/a, 0 where a = 0 and p ≥ 1),
// ∂p = self·log a.
struct pow {
  static constexpr std::string_view name = "pow";
  template <class V> static V eval(const V& a, const V& p) {
    V r = lane::exp(p * lane::log(a));
    return lane::select(a == V(0), lane::select(p == V(0), V(1), V(0)), r);
  }
  static constexpr auto partial(arg_c<0>, auto self, auto a, auto p) { return p * xloss::safe_div(self, a); }
  static constexpr auto partial(arg_c<1>, auto self, auto a, auto) { return self * xloss::log(a); }
};

// ------------------------------------------------------------ selection
// select(c, a, b): a where c holds, else b. The derivative routes:
// d select(c, a, b) = select(c, da, db); the condition gets none.
struct select {
  static constexpr std::string_view name = "select";
  template <class M, class V> static V eval(const M& c, const V& a, const V& b) {
    return lane::select(c, a, b);
  }
  static constexpr auto derive(auto, auto c, auto, auto, auto, auto da, auto db) {
    return xloss::select(c, da, db);
  }
};
// kron(i, j, h) = [i == j]·h with a strong zero: h is not looked at where
// i ≠ j (so a NaN or inf there does not leak). It is what derivatives with
// respect to row elements are made of (∂X[k]/∂X[out] = kron(k, out, 1)).
struct kron {
  static constexpr std::string_view name = "kron";
  template <class I, class V> static V eval(const I& i, const I& j, const V& h) {
    return lane::select(i == j, h, V(0));
  }
  static constexpr auto derive(auto, auto i, auto j, auto, auto, auto, auto dh) {
    return xloss::kron(i, j, dh);
  }
};

// ------------------------------------------------------------ comparisons
#define XLOSS_COMPARISON(NAME, SYM, EXPR)                                      \
  struct NAME {                                                                \
    static constexpr std::string_view symbol = SYM;                            \
    static constexpr print_style style = print_style::infix;                   \
    static constexpr int precedence = 0;                                       \
    static constexpr kind result_kind = kind::mask;                            \
    template <class V> static auto eval(const V& a, const V& b) { return EXPR; } \
  };
XLOSS_COMPARISON(lt, "<", a < b)
XLOSS_COMPARISON(le, "<=", a <= b)
XLOSS_COMPARISON(gt, ">", a > b)
XLOSS_COMPARISON(ge, ">=", a >= b)
XLOSS_COMPARISON(eq, "==", a == b)
XLOSS_COMPARISON(ne, "!=", a != b)
#undef XLOSS_COMPARISON

struct mask_and {
  static constexpr std::string_view symbol = "&&";
  static constexpr print_style style = print_style::infix;
  static constexpr int precedence = 0;
  static constexpr kind result_kind = kind::mask;
  template <class M> static M eval(const M& a, const M& b) { return lane::mask_and(a, b); }
};
struct mask_or {
  static constexpr std::string_view symbol = "||";
  static constexpr print_style style = print_style::infix;
  static constexpr int precedence = 0;
  static constexpr kind result_kind = kind::mask;
  template <class M> static M eval(const M& a, const M& b) { return lane::mask_or(a, b); }
};
struct mask_not {
  static constexpr std::string_view symbol = "!";
  static constexpr print_style style = print_style::prefix;
  static constexpr int precedence = 3;
  static constexpr kind result_kind = kind::mask;
  template <class M> static M eval(const M& a) { return lane::mask_not(a); }
};
// as_real(i): an index (label, inner position, argmin) used as a number.
struct as_real {
  static constexpr std::string_view name = "real";
  template <class V> static V eval(const V& a) { return a; }
  static constexpr auto partial(arg_c<0>, auto, auto) { return zero{}; }
};

}  // namespace op
}  // namespace xloss
