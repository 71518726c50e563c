// Index dependence and substitution: the two operations the derivative rules
// of reductions and the planner's loop placement are built on.
#pragma once

#include <xloss/expression/reductions.hpp>

namespace xloss {
namespace detail {

// depends_on_v<E, I>: does E read index I (index_var<K> or out_index) freely,
// i.e. not bound by a reduction over I inside E?
template <class E, class I> struct depends_on : std::bool_constant<std::is_same_v<E, I>> {};
template <fixed_string N, class I>
struct depends_on<row_var<N>, I> : std::bool_constant<std::is_same_v<I, index_var<0>>> {};
template <fixed_string N, class I>
struct depends_on<label_list_var<N>, I> : std::bool_constant<std::is_same_v<I, index_var<2>>> {};
template <class Op, class... A, class I>
struct depends_on<expr<Op, A...>, I> {
  static constexpr bool value = [] {
    if constexpr (is_reduction_op_v<Op>)
      if constexpr (std::is_same_v<I, index_var<Op::index>>) return false;
    return (depends_on<A, I>::value || ...);
  }();
};
// X[i] reads row X at position i only: it depends on what i depends on.
template <class R, class J, class I>
struct depends_on<expr<op::at, R, J>, I> : depends_on<J, I> {};
template <class E, class I> inline constexpr bool depends_on_v = depends_on<E, I>::value;

template <class Body>
constexpr int default_index() {
  constexpr bool row = depends_on_v<Body, index_var<0>>, list = depends_on_v<Body, index_var<2>>;
  static_assert(!(row && list), "xloss: a reduction reads a row alone and a label list alone: read the row at the "
                                "list's entries, X[Y], or give the index, sum(j, ...)");
  return list ? 2 : 0;
}

// rebuild<Op>(args...): a node of Op over new operands, through Op's builder
// so that the simplification rules apply to the result.
template <class Op, class... A>
constexpr auto rebuild(A... a) {
  if constexpr (std::is_same_v<Op, op::add>) return (a + ...);
  else if constexpr (std::is_same_v<Op, op::sub>) return [](auto x, auto y) { return x - y; }(a...);
  else if constexpr (std::is_same_v<Op, op::mul>) return (a * ...);
  else if constexpr (std::is_same_v<Op, op::div>) return [](auto x, auto y) { return x / y; }(a...);
  else if constexpr (std::is_same_v<Op, op::neg>) return -(a, ...);
  else if constexpr (std::is_same_v<Op, op::select>) return select(a...);
  else if constexpr (std::is_same_v<Op, op::kron>) return kron(a...);
  else if constexpr (std::is_same_v<Op, op::exp>) return exp(a...);
  else if constexpr (std::is_same_v<Op, op::log>) return log(a...);
  else if constexpr (std::is_same_v<Op, op::pow>) return pow(a...);
  else if constexpr (std::is_same_v<Op, op::safe_div>) return safe_div(a...);
  else if constexpr (std::is_same_v<Op, op::at>) return at(a...);
  else if constexpr (is_reduction_op_v<Op>) {
    if constexpr (Op::how == op::reduce::sum) return make_sum<Op::index>(a...);
    else return expr<Op, A...>{};
  } else return expr<Op, A...>{};
}

// subst(e, from, to): e with the free index `from` replaced by the index
// expression `to` (a row written alone, X = X[j], becomes X[to]).
template <class E, class From, class To>
constexpr auto subst(E e, From, To to) {
  if constexpr (std::is_same_v<E, From>) return to;
  else if constexpr (is_row_var_v<E> && std::is_same_v<From, index_var<0>>) return at(e, to);
  else if constexpr (is_label_list_var_v<E> && std::is_same_v<From, index_var<2>>) return at(e, to);
  else if constexpr (!depends_on_v<E, From>) return e;
  else if constexpr (is_node_v<E, op::at>) return at(arg_t<E, 0>{}, subst(arg_t<E, 1>{}, From{}, to));  // X[i]: i only
  else return [&]<class Op, class... A>(expr<Op, A...>) {
    return rebuild<Op>(subst(A{}, From{}, to)...);
  }(e);
}

template <class E> struct kron_parts;
template <class I, class J, class H> struct kron_parts<expr<op::kron, I, J, H>> {
  using i = I;
  using j = J;
  using h = H;
};

// sum over index K, with the rules that make derivatives through reductions
// collapse to one term per position (see derivative/derive.hpp).
template <int K, class Body>
constexpr auto make_sum(Body b) {
  detail::require_real<Body>();
  using I = index_var<K>;
  if constexpr (is_zero_v<Body>) {  // rule sum_zero: Σ 0 → 0
    return zero{};
  } else if constexpr (!depends_on_v<Body, I>) {  // rule sum_invariant: Σ_k c → c·extent_k
    return b * extent_of(I{});
  } else if constexpr (is_kron_v<Body>) {
    using P = kron_parts<Body>;
    if constexpr (std::is_same_v<typename P::i, I> && !depends_on_v<typename P::j, I>)
      // rule sum_kron: Σ_k [k = x]·h(k) → h(x)
      return subst(typename P::h{}, I{}, typename P::j{});
    else if constexpr (std::is_same_v<typename P::j, I> && !depends_on_v<typename P::i, I>)
      return subst(typename P::h{}, I{}, typename P::i{});
    else if constexpr (!depends_on_v<typename P::i, I> && !depends_on_v<typename P::j, I>)
      // rule sum_kron_hoist: Σ_k [x = y]·h(k) → [x = y]·Σ_k h(k)
      return kron(typename P::i{}, typename P::j{}, make_sum<K>(typename P::h{}));
    else
      return expr<op::sum<K>, Body>{};
  } else if constexpr (is_node_v<Body, op::mul> && !depends_on_v<arg_t<Body, 1>, I>) {
    // rule sum_factor: Σ_k a(k)·c → (Σ_k a(k))·c for c not depending on k
    return make_sum<K>(arg_t<Body, 0>{}) * arg_t<Body, 1>{};
  } else if constexpr (is_node_v<Body, op::mul> && !depends_on_v<arg_t<Body, 0>, I>) {
    return arg_t<Body, 0>{} * make_sum<K>(arg_t<Body, 1>{});
  } else if constexpr (is_kron_sum_v<Body>) {
    // rule sum_split: Σ (a ± b) → Σ a ± Σ b, when a term can collapse
    return rebuild<op_of<Body>>(make_sum<K>(arg_t<Body, 0>{}), make_sum<K>(arg_t<Body, 1>{}));
  } else {
    return expr<op::sum<K>, Body>{};
  }
}

}  // namespace detail
}  // namespace xloss
