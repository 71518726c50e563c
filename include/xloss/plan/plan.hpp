// The plan: which node is evaluated where, and in what order.
//
// Input: the lowered loss and the lowered derivatives asked for. Output, all
// at compile time, as type lists:
//   · mode: elementwise (no inner axis at all: one loop over samples,
//     vectorised across samples) or row (per sample: passes over the row,
//     vectorised along it);
//   · the sample schedule: every node that has one value per sample, each
//     once (equal subexpressions are equal types, so sharing is automatic),
//     in dependency order, each with a *stage*: the number of passes over the
//     row that must run before it can be computed;
//   · per stage, the reductions it computes — all fused into one pass over
//     the row — and that pass's element schedule (nodes with one value per
//     position);
//   · the gradient pass: the element schedule writing every row gradient.
// Loop-invariant parts of reduction bodies and of row gradients are hoisted
// into the sample schedule by construction: a node lands in an element
// schedule only if it depends on that loop's index.
#pragma once

#include <algorithm>

#include <xloss/detail/type_list.hpp>
#include <xloss/plan/lower.hpp>

namespace xloss::plan {

using detail::tlist;

// Operands the planner looks through. A gather X[i] needs only its index:
// the row is read at that position, not traversed.
template <class E> struct operands { using type = tlist<>; };
template <class Op, class... A> struct operands<expr<Op, A...>> { using type = tlist<A...>; };
template <class R, class I> struct operands<expr<op::at, R, I>> { using type = tlist<I>; };
template <class E> using operands_t = typename operands<E>::type;

template <class E> struct reduction_index { using type = void; };
template <class Op, class... A>
  requires is_reduction_op_v<Op>
struct reduction_index<expr<Op, A...>> { using type = index_var<Op::index>; };

// ------------------------------------------------------------ collection
// A loop binds an index; a reduction inside another loop's body whose own
// body still depends on the outer index is *nested*: an element of the outer
// loop, computed by an inner loop (kernel/fused.hpp). `Bound` lists the
// indices bound by the loops being walked into.
template <class Acc, class E> struct collect_sample;
template <class Acc, class E, class Bound> struct collect_outer;
template <class Acc, class E, class I, class Bound> struct collect_elem;

template <class Acc, class L, template <class, class> class F> struct fold;
template <class Acc, template <class, class> class F> struct fold<Acc, tlist<>, F> { using type = Acc; };
template <class Acc, class E0, class... E, template <class, class> class F>
struct fold<Acc, tlist<E0, E...>, F> {
  using type = typename fold<typename F<Acc, E0>::type, tlist<E...>, F>::type;
};
template <class Bound> struct bind_outer {
  template <class Acc, class E> using fn = collect_outer<Acc, E, Bound>;
};
template <class I, class Bound = tlist<>> struct bind_elem {
  template <class Acc, class E> using fn = collect_elem<Acc, E, I, Bound>;
};

template <class E, class Bound> struct depends_on_any;
template <class E, class... I>
struct depends_on_any<E, tlist<I...>> : std::bool_constant<(detail::depends_on_v<E, I> || ...)> {};
template <class L, class I> using with_index = detail::push_unique_t<L, I>;

// Sample-level nodes needed to compute E, in post-order. A reduction first
// needs the parts of its operands that do not depend on its index.
template <class Acc, class E>
struct collect_sample {
  static auto pick() {
    using I = typename reduction_index<E>::type;
    if constexpr (detail::contains_v<E, Acc>)
      return std::type_identity<Acc>{};
    else if constexpr (std::is_void_v<I>)
      return std::type_identity<detail::push_unique_t<typename fold<Acc, operands_t<E>, collect_sample>::type, E>>{};
    else
      return std::type_identity<
          detail::push_unique_t<typename fold<Acc, operands_t<E>, bind_outer<tlist<I>>::template fn>::type, E>>{};
  }
  using type = typename decltype(pick())::type;
};

// The sample-level nodes needed by the parts of E that depend on no index
// in Bound.
template <class Acc, class E, class Bound>
struct collect_outer {
  static auto pick() {
    using I = typename reduction_index<E>::type;
    if constexpr (!depends_on_any<E, Bound>::value)
      return std::type_identity<typename collect_sample<Acc, E>::type>{};
    else if constexpr (!std::is_void_v<I>)  // a nested reduction: its index is bound inside
      return std::type_identity<typename fold<Acc, operands_t<E>, bind_outer<with_index<Bound, I>>::template fn>::type>{};
    else
      return std::type_identity<typename fold<Acc, operands_t<E>, bind_outer<Bound>::template fn>::type>{};
  }
  using type = typename decltype(pick())::type;
};

// The element-level nodes of a loop over I (those depending on I but on no
// index bound inside it), in post-order; a nested reduction is one element,
// after the parts of its body that depend on I only.
template <class Acc, class E, class I, class Bound>
struct collect_elem {
  static auto pick() {
    using J = typename reduction_index<E>::type;
    if constexpr (!detail::depends_on_v<E, I> || detail::contains_v<E, Acc>)
      return std::type_identity<Acc>{};
    else if constexpr (depends_on_any<E, Bound>::value)  // part of an inner loop
      return std::type_identity<typename fold<Acc, operands_t<E>, bind_elem<I, Bound>::template fn>::type>{};
    else if constexpr (!std::is_void_v<J>)
      return std::type_identity<detail::push_unique_t<
          typename fold<Acc, operands_t<E>, bind_elem<I, with_index<Bound, J>>::template fn>::type, E>>{};
    else
      return std::type_identity<detail::push_unique_t<
          typename fold<Acc, operands_t<E>, bind_elem<I, Bound>::template fn>::type, E>>{};
  }
  using type = typename decltype(pick())::type;
};

template <class L> using sample_schedule_t = typename fold<tlist<>, L, collect_sample>::type;
template <class L, class I>
using outer_schedule_t = typename fold<tlist<>, L, bind_outer<tlist<I>>::template fn>::type;
template <class L, class I>
using elem_schedule_t = typename fold<tlist<>, L, bind_elem<I>::template fn>::type;

// The schedule of a nested reduction's inner loop: its body's nodes that
// depend on its index.
template <class R>
using inner_schedule_t = elem_schedule_t<operands_t<R>, typename reduction_index<R>::type>;

template <class L> struct all_operands;
template <class... R> struct all_operands<tlist<R...>> {
  using type = typename fold<tlist<>, tlist<operands_t<R>...>, detail::union_>::type;
};
template <class L> using all_operands_t = typename all_operands<L>::type;

// outer_refs_t<Sched, Extra>: what a loop over Sched reads from outside it —
// the per-sample values it broadcasts once before the loop. Extra lists
// further nodes the loop reads (reduction operands, gradient roots).
// A nested reduction in the schedule reads what its inner loop reads from
// outside that loop.
template <class Sched, class Extra> struct outer_refs;
template <class Sched, class Extra = tlist<>> using outer_refs_t = typename outer_refs<Sched, Extra>::type;
template <class N> struct reads { using type = operands_t<N>; };
template <class N>
  requires is_reduction_v<N>
struct reads<N> { using type = outer_refs_t<inner_schedule_t<N>, operands_t<N>>; };
template <class... N, class Extra> struct outer_refs<tlist<N...>, Extra> {
  template <class E> struct outside : std::bool_constant<!detail::contains_v<E, tlist<N...>>> {};
  using all = typename fold<Extra, tlist<typename reads<N>::type...>, detail::union_>::type;
  using type = detail::filter_t<all, outside>;
};

// ------------------------------------------------------------ stages
template <class E> struct stage;
template <class L> struct max_stage;
template <class... E> struct max_stage<tlist<E...>> {
  static constexpr int value = std::max({0, stage<E>::value...});
};
template <class E>
struct stage {
  static constexpr int value = [] {
    using I = typename reduction_index<E>::type;
    if constexpr (std::is_void_v<I>)
      return max_stage<operands_t<E>>::value;
    else
      return 1 + max_stage<outer_schedule_t<operands_t<E>, I>>::value;
  }();
};
template <class E> inline constexpr int stage_v = stage<E>::value;

// ------------------------------------------------------------ predicates
template <class E> struct is_reduction_node : std::bool_constant<is_reduction_v<E>> {};
template <class E> struct is_computed_node : std::bool_constant<!is_reduction_v<E>> {};
template <int S> struct in_stage {
  template <class E> struct computed : std::bool_constant<!is_reduction_v<E> && stage_v<E> == S> {};
  template <class E> struct reductions : std::bool_constant<is_reduction_v<E> && stage_v<E> == S> {};
};
template <class I> struct over_index {
  template <class E> struct pred : std::is_same<typename reduction_index<E>::type, I> {};
};

// Does the expression read an inner axis at all?
template <class E> struct uses_axis : std::bool_constant<is_row_var_v<E> || is_integer_var_v<E> ||
                                                         is_index_var_v<E> || std::is_same_v<E, out_index>> {};
template <class Op, class... A>
struct uses_axis<expr<Op, A...>>
    : std::bool_constant<is_reduction_op_v<Op> || std::is_same_v<Op, op::at> ||
                         requires { Op::index; } || (uses_axis<A>::value || ...)> {};

// count_v<Schedule, Op>: how many scheduled nodes apply Op — each is computed
// once per sample (or per position, in an element schedule).
template <class L, class Op> inline constexpr std::size_t count_v = 0;
template <class... E, class Op>
inline constexpr std::size_t count_v<tlist<E...>, Op> = (std::size_t(is_node_v<E, Op>) + ... + 0);

// ------------------------------------------------------------ loops
// Reductions of one stage over the same index share one pass.
template <int K = 0> using row_loop = index_var<K>;
template <class Acc, class R> struct add_key { using type = detail::push_unique_t<Acc, typename reduction_index<R>::type>; };
template <class Key> struct with_key {
  template <class R> struct pred : std::is_same<typename reduction_index<R>::type, Key> {};
};

// ------------------------------------------------------------ scatters
// The adjoint of a gather inside a reduction, Σ_k [I(k) = out]·h(k) with I
// depending on k (e.g. x[Y] over a label list Y), would cost a whole loop
// over k at every position `out`. A row gradient is therefore split into its
// dense part, written by the gradient pass, and such *scatter terms*, each
// run as one loop over k adding h(k) at position I(k) afterwards. Constant
// factors and signs around a scatter term move into its h.
template <class E> inline constexpr bool is_scatter_v = false;
template <int K, class I, class H>
inline constexpr bool is_scatter_v<expr<op::sum<K>, expr<op::kron, I, out_index, H>>> =
    detail::depends_on_v<I, index_var<K>> && !detail::depends_on_v<H, out_index>;

// A *point scatter* [I = out]·h with I and h one value per sample — the
// adjoint of a gather X[y] at a label, or at an argmin — is split off the
// same way: h is added at position I after the dense part is written,
// instead of every position being compared with I (the gradient row of NLL
// becomes a row of zeros and one addition).
template <class E> inline constexpr bool is_point_scatter_v = false;
template <class I, class H>
inline constexpr bool is_point_scatter_v<expr<op::kron, I, out_index, H>> = !varies_along_row_v<I> &&
                                                                            !varies_along_row_v<H>;

// A scatter term's kron, and the index of its loop (out_index: no loop).
template <class S> struct scatter_kron { using type = detail::arg_t<S, 0>; };
template <class I, class H> struct scatter_kron<expr<op::kron, I, out_index, H>> {
  using type = expr<op::kron, I, out_index, H>;
};
template <class S> struct scatter_index : reduction_index<S> {};
template <class I, class H> struct scatter_index<expr<op::kron, I, out_index, H>> { using type = out_index; };

template <class S, class C> struct scale_scatter;
template <int K, class I, class H, class C>
struct scale_scatter<expr<op::sum<K>, expr<op::kron, I, out_index, H>>, C> {
  using type = expr<op::sum<K>, expr<op::kron, I, out_index, decltype(C{} * H{})>>;
};
template <class I, class H, class C>
struct scale_scatter<expr<op::kron, I, out_index, H>, C> {
  using type = expr<op::kron, I, out_index, decltype(C{} * H{})>;
};
template <class L, class C> struct scale_all;
template <class... S, class C> struct scale_all<tlist<S...>, C> {
  using type = tlist<typename scale_scatter<S, C>::type...>;
};
template <class A, class B> struct concat2;
template <class... A, class... B> struct concat2<tlist<A...>, tlist<B...>> { using type = tlist<A..., B...>; };

template <class G> struct split_grad {
  using dense = G;
  using scatters = tlist<>;
};
template <class G>
  requires(is_scatter_v<G> || is_point_scatter_v<G>)
struct split_grad<G> {
  using dense = zero;
  using scatters = tlist<G>;
};
template <class A, class B> struct split_grad<expr<op::add, A, B>> {
  using dense = decltype(typename split_grad<A>::dense{} + typename split_grad<B>::dense{});
  using scatters = typename concat2<typename split_grad<A>::scatters, typename split_grad<B>::scatters>::type;
};
template <class A, class B> struct split_grad<expr<op::sub, A, B>> {
  using dense = decltype(typename split_grad<A>::dense{} - typename split_grad<B>::dense{});
  using scatters = typename concat2<typename split_grad<A>::scatters,
                                    typename scale_all<typename split_grad<B>::scatters, constant<-1>>::type>::type;
};
template <class A> struct split_grad<expr<op::neg, A>> {
  using dense = decltype(-typename split_grad<A>::dense{});
  using scatters = typename scale_all<typename split_grad<A>::scatters, constant<-1>>::type;
};
template <class A, class C>
  requires(!detail::depends_on_v<C, out_index>)
struct split_grad<expr<op::mul, A, C>> {
  using dense = decltype(typename split_grad<A>::dense{} * C{});
  using scatters = typename scale_all<typename split_grad<A>::scatters, C>::type;
};
template <class C, class A>
  requires(!detail::depends_on_v<C, out_index> && detail::depends_on_v<A, out_index>)
struct split_grad<expr<op::mul, C, A>> {
  using dense = decltype(C{} * typename split_grad<A>::dense{});
  using scatters = typename scale_all<typename split_grad<A>::scatters, C>::type;
};

// ------------------------------------------------------------ gradients in the last pass
// A row gradient read at the row loop's position: out → j and X[out] → X (a
// row written alone), so that the nodes it shares with the reductions of the
// pass it is written in are the same types, computed once.
template <class E>
constexpr auto at_row_position(E e) {
  if constexpr (std::is_same_v<E, out_index>) return index_var<0>{};
  else if constexpr (!detail::depends_on_v<E, out_index>) return e;
  else if constexpr (is_node_v<E, op::at> && is_row_var_v<detail::arg_t<E, 0>> &&
                     std::is_same_v<detail::arg_t<E, 1>, out_index>)
    return detail::arg_t<E, 0>{};
  else return [&]<class Op, class... A>(expr<Op, A...>) { return expr<Op, decltype(at_row_position(A{}))...>{}; }(e);
}
// Does E hold a reduction that varies with out (whose own index j would
// capture out → j)?
template <class E> struct reduces_along_out : std::false_type {};
template <class Op, class... A>
struct reduces_along_out<expr<Op, A...>>
    : std::bool_constant<(is_reduction_op_v<Op> && detail::depends_on_v<expr<Op, A...>, out_index>) ||
                         (reduces_along_out<A>::value || ...)> {};

// ------------------------------------------------------------ the plan
// Roots: the lowered loss, then the lowered derivatives for per-sample
// scalars, then those for rows (free index `out`).
template <class Loss, class ScalarGrads, class RowGrads>
struct plan;
template <class Loss, class... SG, class... RG>
struct plan<Loss, tlist<SG...>, tlist<RG...>> {
  using loss = Loss;
  using scalar_grads = tlist<SG...>;
  // Row gradients: the dense parts, written by the gradient pass, and per
  // gradient its scatter terms.
  using row_grads = tlist<typename split_grad<RG>::dense...>;
  using scatters = tlist<typename split_grad<RG>::scatters...>;

  static constexpr bool elementwise = !(uses_axis<Loss>::value || (uses_axis<SG>::value || ...) ||
                                        sizeof...(RG) > 0);

  // The nodes a scatter term's loop reads (position and value).
  template <class S>
  using scatter_roots = tlist<detail::arg_t<typename scatter_kron<S>::type, 0>, detail::arg_t<typename scatter_kron<S>::type, 2>>;
  template <class L> struct scatter_outer;
  template <class... S> struct scatter_outer<tlist<S...>> {
    using type = typename fold<tlist<>, tlist<outer_schedule_t<scatter_roots<S>, typename scatter_index<S>::type>...>,
                               detail::union_>::type;
  };

  // Every per-sample node: the loss, scalar gradients, and what the row
  // gradients need from outside their passes.
  using sample = typename fold<sample_schedule_t<tlist<Loss, SG...>>,
                               tlist<outer_schedule_t<row_grads, out_index>,
                                     typename scatter_outer<typename split_grad<RG>::scatters>::type...>,
                               detail::union_>::type;
  static constexpr int stages = max_stage<sample>::value;

  template <int S> using computed_at = detail::filter_t<sample, in_stage<S>::template computed>;
  template <int S> using reductions_at = detail::filter_t<sample, in_stage<S>::template reductions>;
  template <int S> using keys_at = typename fold<tlist<>, reductions_at<S>, add_key>::type;
  template <int S, class Key>
  using pass_reductions = detail::filter_t<reductions_at<S>, with_key<Key>::template pred>;

  // The element schedule of the pass over index Key at stage S.
  template <int S, class Key>
  using pass_schedule = elem_schedule_t<all_operands_t<pass_reductions<S, Key>>, Key>;

  using grad_schedule = elem_schedule_t<row_grads, out_index>;

  // Are the dense row gradients written during the last row pass? Yes when
  // they read nothing that pass, or anything after it, computes (MultiMargin,
  // MultiLabelSoftMargin: each element's gradient is known before the row's
  // sum is) and that pass is one sweep along the row: the row is then swept
  // once for the value and the gradients together, as a hand-written loop
  // does, instead of twice, and their element schedules are one
  // (last_pass_schedule), so what the value and the gradient share — the
  // exp(−|x|) of a log-sigmoid and of its derivative — is computed once.
  static constexpr bool grads_in_last_pass = [] {
    if constexpr (sizeof...(RG) == 0 || stages == 0 || (reduces_along_out<typename split_grad<RG>::dense>::value || ...)) {
      return false;
    } else if constexpr (!std::is_same_v<keys_at<stages>, tlist<row_loop<>>>) {
      return false;
    } else {
      return []<class... N>(tlist<N...>) { return ((stage_v<N> < stages) && ...); }(
          outer_refs_t<grad_schedule, row_grads>{});
    }
  }();
  using row_grads_in_pass = tlist<decltype(at_row_position(typename split_grad<RG>::dense{}))...>;
  template <int S = stages>
  using last_pass_schedule =
      elem_schedule_t<typename concat2<all_operands_t<pass_reductions<S, row_loop<>>>, row_grads_in_pass>::type,
                      row_loop<>>;
  template <class S> using scatter_schedule = elem_schedule_t<scatter_roots<S>, typename reduction_index<S>::type>;
};

}  // namespace xloss::plan
