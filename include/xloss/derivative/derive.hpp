// Symbolic differentiation at compile time.
//
//   d(e, x)   for a per-sample scalar or a parameter x: the expression ∂e/∂x.
//   d(e, X)   for a row X: the expression ∂e/∂X[out], whose free index `out`
//             runs over the row — the whole row gradient as one expression.
//
// The rules:
//   · a node: the chain rule Σ_I partial_I · d(a_I), with each primitive's
//     partial (primitives.hpp), or the primitive's own `derive` rule;
//   · a row element: ∂X[i]/∂X[out] = kron(i, out, 1) — the Kronecker delta;
//   · a reduction: its rule in reductions.hpp; through a sum, the Kronecker
//     deltas collapse (Σ_k [k = out]·h(k) → h(out)), so that the gradient of a
//     row reduction is again one elementwise expression per position, and the
//     adjoint of a gather X[y] stays kron(y, out, ·): it lands on position y;
//   · through max/min/argmin-selected positions the derivative is the body's
//     derivative at the selected position (Danskin), so the gradient lands
//     on the selected answer.
// Every node is built through the DSL's builders, so the simplification rules
// of dsl.hpp apply to each step and zeros never reach the kernel.
#pragma once

#include <xloss/expression/substitute.hpp>

namespace xloss {
namespace detail {

template <class E, class W>
constexpr auto derive(E e, W w);
template <class Op, class... A, class W>
constexpr auto derive_node(expr<Op, A...> e, W w);
template <class Op, class B, class... Rest, class W>
constexpr auto derive_reduction(expr<Op, B, Rest...> e, W w);

// The chain rule: Σ_I partial_I(e, a...) · d(a_I, w), skipping operands that
// do not depend on w (their partial is never instantiated).
template <class Op, class... A, class W, std::size_t... I>
constexpr auto chain(expr<Op, A...> e, W w, std::index_sequence<I...>) {
  auto term = [&]<std::size_t N>(std::integral_constant<std::size_t, N>) {
    using Arg = std::tuple_element_t<N, std::tuple<A...>>;
    auto da = derive(Arg{}, w);
    if constexpr (is_zero_v<decltype(da)> || kind_v<Arg> != kind::real)
      return zero{};
    else
      return Op::partial(arg_c<static_cast<int>(N)>{}, e, A{}...) * da;
  };
  return (zero{} + ... + term(std::integral_constant<std::size_t, I>{}));
}

template <class E, class W>
constexpr auto derive(E e, W w) {
  if constexpr (std::is_same_v<E, W>) {
    return one{};
  } else if constexpr (is_node_v<W, op::at>) {
    // w = X[out]: only reads of the same row X contribute.
    using X = arg_t<W, 0>;
    if constexpr (std::is_same_v<E, X>)
      return kron(index_var<0>{}, out_index{}, one{});
    else if constexpr (is_node_v<E, op::at> && std::is_same_v<arg_t<E, 0>, X>)
      return kron(arg_t<E, 1>{}, out_index{}, one{});
    else if constexpr (is_node_v<E, op::at> || std::is_void_v<op_of<E>>)
      return zero{};  // a gather of another row, a terminal, a constant
    else
      return derive_node(e, w);
  } else if constexpr (!std::is_void_v<op_of<E>> && !is_node_v<E, op::at>) {
    return derive_node(e, w);
  } else {
    return zero{};  // another terminal, a constant, a gather of another row
  }
}

template <class Op, class... A, class W>
constexpr auto derive_node(expr<Op, A...> e, W w) {
  using E = expr<Op, A...>;
  if constexpr (kind_v<E> != kind::real) {
    return zero{};  // masks and indices carry no derivative
  } else if constexpr (is_reduction_op_v<Op>) {
    return derive_reduction(e, w);
  } else if constexpr (requires { Op::derive(e, A{}..., derive(A{}, w)...); }) {
    return Op::derive(e, A{}..., derive(A{}, w)...);
  } else if constexpr (sizeof...(A) > 0) {
    return chain(e, w, std::index_sequence_for<A...>{});
  } else {
    return zero{};  // operations without operands, such as extent
  }
}

template <class Op, class B, class... Rest, class W>
constexpr auto derive_reduction(expr<Op, B, Rest...> e, W w) {
  constexpr int K = Op::index;
  using I = index_var<K>;
  auto db = derive(B{}, w);
  if constexpr (is_zero_v<decltype(db)>) {
    return zero{};
  } else if constexpr (std::is_same_v<Op, op::sum<K>>) {
    return make_sum<K>(db);
  } else if constexpr (std::is_same_v<Op, op::max_over<K>>) {
    return subst(db, I{}, expr<op::argmax<K>, B>{});
  } else if constexpr (std::is_same_v<Op, op::min_over<K>>) {
    return subst(db, I{}, expr<op::argmin<K>, B>{});
  } else if constexpr (std::is_same_v<Op, op::min_where<K>>) {
    return subst(db, I{}, expr<op::argmin_where<K>, B, Rest...>{});
  } else if constexpr (std::is_same_v<Op, op::logsumexp<K>>) {
    // The softmax, as exp((b − m) − log Σ exp(b − m)) with m = max b: the
    // pieces of logsumexp's own stable form, so they are shared, and the
    // exponent is exact near the maximum (exp(b − logsumexp) is not).
    auto shifted = B{} - expr<op::max_over<K>, B>{};
    return make_sum<K>(exp(shifted - log(make_sum<K>(exp(shifted)))) * db);
  } else if constexpr (std::is_same_v<Op, op::norm2<K>>) {
    return make_sum<K>(safe_div(B{}, e) * db);
  } else if constexpr (std::is_same_v<Op, op::pnorm<K>>) {
    using P = std::tuple_element_t<0, std::tuple<Rest...>>;
    return make_sum<K>(safe_div(sign(B{}) * pow(abs(B{}), P{} - one{}), pow(e, P{} - one{})) * db);
  } else {
    static_assert(sizeof(Op) == 0, "xloss: no derivative rule for this reduction");
  }
}

}  // namespace detail

// d(e, v): the derivative of e with respect to a scalar variable or parameter
// v, or — for a row variable X — the row gradient ∂e/∂X[out].
template <expression E, expression V>
constexpr auto d(E e, V v) {
  static_assert(!is_label_var_v<V> && !is_index_var_v<V>,
                "xloss: cannot differentiate with respect to a label or an index");
  static_assert(is_scalar_var_v<V> || is_row_var_v<V> || is_param_var_v<V>,
                "xloss: d(e, v) differentiates with respect to a variable (scalar, row or parameter)");
  if constexpr (is_row_var_v<V>)
    return detail::derive(e, expr<op::at, V, out_index>{});
  else
    return detail::derive(e, v);
}

}  // namespace xloss
