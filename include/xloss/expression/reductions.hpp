// Inner-axis constructs: reductions over an index of a per-sample row, gathers
// at a label, the index itself as a value, and masked argmin (the most
// offending incorrect answer).
//
// A reduction binds an index: sum(body) binds j (index_var<0>), sum(k, body)
// binds k. Inside its body a row written alone, X, means X[j]; X[k], X[y]
// (a label) and X[argmin(...)] pick other positions.
//
// Value rules (the kernel's accumulators) and derivative rules:
//   sum_j b            Σ b                  d = Σ_j db
//   max_over_j b       max b                d = db at j = argmax (first of ties)
//   min_over_j b       min b                d = db at j = argmin (first of ties)
//   argmin_j b         first j minimising b (an index)
//   min_where_j(b, c)  min of b over j where c holds (+inf if none)
//                      d = db at argmin_where (no gradient if none)
//   logsumexp_j b      m + log Σ exp(b − m), m = max b (stable)
//                      d = Σ_j exp(b − logsumexp) db   (the softmax)
//   norm2_j b          sqrt(Σ b²)           d = Σ_j safe_div(b, norm2) db (0 at 0)
//   pnorm_j(b, p)      (Σ |b|^p)^(1/p)      d = Σ_j safe_div(sign b |b|^(p−1), norm^(p−1)) db
// The gradient of a max/min goes to one position (the first tie); this is the
// envelope-theorem (Danskin) subgradient of ebm_losses.md §4.3.
#pragma once

#include <xloss/expression/dsl.hpp>

namespace xloss {

// Index placeholders for explicit inner indices.
inline constexpr index_var<0> j{};
inline constexpr index_var<1> k{};
inline constexpr index_var<2> entry{};  // over the entries of a label list
inline constexpr out_index out{};

namespace op {
enum class reduce { sum, max, min, argmax, argmin, min_where, argmin_where, lowered };

template <int K, reduce R, kind Kind = kind::real>
struct reduction {
  static constexpr int index = K;
  static constexpr reduce how = R;
  static constexpr kind result_kind = Kind;
};
template <int K> struct sum : reduction<K, reduce::sum> { static constexpr std::string_view name = "sum"; };
template <int K> struct max_over : reduction<K, reduce::max> { static constexpr std::string_view name = "max"; };
template <int K> struct min_over : reduction<K, reduce::min> { static constexpr std::string_view name = "min"; };
template <int K> struct argmax : reduction<K, reduce::argmax, kind::index> { static constexpr std::string_view name = "argmax"; };
template <int K> struct argmin : reduction<K, reduce::argmin, kind::index> { static constexpr std::string_view name = "argmin"; };
template <int K> struct min_where : reduction<K, reduce::min_where> { static constexpr std::string_view name = "min_where"; };
template <int K> struct argmin_where : reduction<K, reduce::argmin_where, kind::index> { static constexpr std::string_view name = "argmin_where"; };

template <int K>
struct logsumexp : reduction<K, reduce::lowered> {
  static constexpr std::string_view name = "logsumexp";
  static constexpr auto lower(auto b);
};
template <int K>
struct norm2 : reduction<K, reduce::lowered> {
  static constexpr std::string_view name = "norm2";
  static constexpr auto lower(auto b);
};
template <int K>
struct pnorm : reduction<K, reduce::lowered> {
  static constexpr std::string_view name = "pnorm";
  static constexpr auto lower(auto b, auto p);
};

// The number of positions of an index (the row length), as a real.
template <int K>
struct extent {
  static constexpr std::string_view name = "extent";
  static constexpr int index = K;
};
// X[i]: a row element at an index expression (label, k, argmin, out).
struct at {};
}  // namespace op

template <class Op> inline constexpr bool is_reduction_op_v = requires { Op::how; };
template <class E> inline constexpr bool is_reduction_v = is_reduction_op_v<op_of<E>>;

// ------------------------------------------------------------ builders
namespace detail {
template <int K, class Body> constexpr auto make_sum(Body);
// The index a reduction written without one binds: j, or `entry` when the
// body reads a label list (and no row) alone (substitute.hpp).
template <class Body> constexpr int default_index();
}

template <expression B> constexpr auto sum(B b) { return detail::make_sum<detail::default_index<B>()>(b); }
template <int K, expression B> constexpr auto sum(index_var<K>, B b) { return detail::make_sum<K>(b); }

// The number of positions of an index (per sample, for a list's entries).
template <int K = 0> constexpr auto extent_of(index_var<K> = {}) { return expr<op::extent<K>>{}; }
template <expression B> constexpr auto mean(B b) {
  return sum(b) / extent_of(index_var<detail::default_index<B>()>{});
}
template <int K, expression B> constexpr auto mean(index_var<K> i, B b) { return sum(i, b) / extent_of(i); }
template <expression A, expression B> constexpr auto dot(A a, B b) { return sum(a * b); }

#define XLOSS_DEFINE_REDUCTION(fn, OP, CHECK)                                            \
  template <expression B> constexpr auto fn(B) {                                         \
    detail::CHECK<B>();                                                                  \
    return expr<op::OP<detail::default_index<B>()>, B>{};                                \
  }                                                                                      \
  template <int K, expression B> constexpr auto fn(index_var<K>, B) {                    \
    detail::CHECK<B>();                                                                  \
    return expr<op::OP<K>, B>{};                                                         \
  }
XLOSS_DEFINE_REDUCTION(max_over, max_over, require_real)
XLOSS_DEFINE_REDUCTION(min_over, min_over, require_real)
XLOSS_DEFINE_REDUCTION(argmax, argmax, require_real)
XLOSS_DEFINE_REDUCTION(argmin, argmin, require_real)
XLOSS_DEFINE_REDUCTION(logsumexp, logsumexp, require_real)
XLOSS_DEFINE_REDUCTION(norm2, norm2, require_real)
#undef XLOSS_DEFINE_REDUCTION

// min_where(b, c): the minimum of b over the positions where c holds —
// e.g. min_where(E, j != y) is the energy of the most offending incorrect
// answer; argmin_where gives its position (−1 when no position qualifies).
template <expression B, expression C> constexpr auto min_where(B, C) {
  detail::require_real<B>();
  detail::require_mask<C>();
  return expr<op::min_where<detail::default_index<B>()>, B, C>{};
}
template <int K, expression B, expression C> constexpr auto min_where(index_var<K>, B, C) {
  detail::require_real<B>();
  detail::require_mask<C>();
  return expr<op::min_where<K>, B, C>{};
}
template <expression B, expression C> constexpr auto argmin_where(B, C) {
  return expr<op::argmin_where<detail::default_index<B>()>, B, C>{};
}
template <int K, expression B, expression C> constexpr auto argmin_where(index_var<K>, B, C) {
  return expr<op::argmin_where<K>, B, C>{};
}

// p-norms of a row.
template <expression B> constexpr auto norm1(B b) { return sum(abs(b)); }
template <expression B> constexpr auto norm_inf(B b) { return max_over(abs(b)); }
template <expression B, expression P> constexpr auto pnorm(B, P) {
  detail::require_real<B>();
  detail::require_real<P>();
  return expr<op::pnorm<detail::default_index<B>()>, B, P>{};
}

// X[i] for an index expression i. X[j] is X itself.
template <fixed_string N, expression I> constexpr auto at(row_var<N> x, I) {
  detail::require_index<I>();
  if constexpr (std::is_same_v<I, index_var<0>>) return x;  // rule at_j: X[j] → X
  else return expr<op::at, row_var<N>, I>{};
}

// Y[i]: an entry of a label list at an index expression. Y[entry] is Y.
template <fixed_string N, expression I> constexpr auto at(label_list_var<N> y, I) {
  detail::require_index<I>();
  if constexpr (std::is_same_v<I, index_var<2>>) return y;
  else return expr<op::at, label_list_var<N>, I>{};
}
template <fixed_string N, class I>
struct kind_of<expr<op::at, label_list_var<N>, I>> { static constexpr kind value = kind::index; };

template <fixed_string N>
template <class I>
constexpr auto row_var<N>::operator[](I i) const {
  return at(*this, i);
}

// ------------------------------------------------------------ lowerings
template <int K>
constexpr auto op::logsumexp<K>::lower(auto b) {
  auto m = expr<max_over<K>, decltype(b)>{};
  return m + xloss::log(detail::make_sum<K>(xloss::exp(b - m)));
}
template <int K>
constexpr auto op::norm2<K>::lower(auto b) {
  return xloss::sqrt(detail::make_sum<K>(b * b));
}
template <int K>
constexpr auto op::pnorm<K>::lower(auto b, auto p) {
  return xloss::pow(detail::make_sum<K>(xloss::pow(xloss::abs(b), p)), one{} / p);
}

}  // namespace xloss
