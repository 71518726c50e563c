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
template <class Acc, class E> struct collect_sample;
template <class Acc, class E, class I> struct collect_outer;
template <class Acc, class E, class I> struct collect_elem;

template <class Acc, class L, template <class, class> class F> struct fold;
template <class Acc, template <class, class> class F> struct fold<Acc, tlist<>, F> { using type = Acc; };
template <class Acc, class E0, class... E, template <class, class> class F>
struct fold<Acc, tlist<E0, E...>, F> {
  using type = typename fold<typename F<Acc, E0>::type, tlist<E...>, F>::type;
};
template <class I> struct bind_index {
  template <class Acc, class E> using outer = collect_outer<Acc, E, I>;
  template <class Acc, class E> using elem = collect_elem<Acc, E, I>;
};

// Sample-level nodes needed to compute E, in post-order. A reduction first
// needs the loop-invariant parts of its operands.
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
          detail::push_unique_t<typename fold<Acc, operands_t<E>, bind_index<I>::template outer>::type, E>>{};
  }
  using type = typename decltype(pick())::type;
};

// The sample-level nodes needed by the parts of E that do not depend on I.
template <class Acc, class E, class I>
struct collect_outer {
  static auto pick() {
    if constexpr (!detail::depends_on_v<E, I>)
      return std::type_identity<typename collect_sample<Acc, E>::type>{};
    else
      return std::type_identity<typename fold<Acc, operands_t<E>, bind_index<I>::template outer>::type>{};
  }
  using type = typename decltype(pick())::type;
};

// The element-level nodes of a loop over I (those depending on I), in
// post-order; nodes not depending on I come from the sample schedule.
template <class Acc, class E, class I>
struct collect_elem {
  static auto pick() {
    if constexpr (!detail::depends_on_v<E, I> || detail::contains_v<E, Acc>) {
      return std::type_identity<Acc>{};
    } else {
      static_assert(std::is_void_v<typename reduction_index<E>::type>,
                    "xloss: nested reductions (a reduction inside another reduction's body that "
                    "depends on the outer index) are not supported by the fused kernel yet");
      return std::type_identity<detail::push_unique_t<
          typename fold<Acc, operands_t<E>, bind_index<I>::template elem>::type, E>>{};
    }
  }
  using type = typename decltype(pick())::type;
};

template <class L> using sample_schedule_t = typename fold<tlist<>, L, collect_sample>::type;
template <class L, class I>
using outer_schedule_t = typename fold<tlist<>, L, bind_index<I>::template outer>::type;
template <class L, class I>
using elem_schedule_t = typename fold<tlist<>, L, bind_index<I>::template elem>::type;

template <class L> struct all_operands;
template <class... R> struct all_operands<tlist<R...>> {
  using type = typename fold<tlist<>, tlist<operands_t<R>...>, detail::union_>::type;
};
template <class L> using all_operands_t = typename all_operands<L>::type;

// outer_refs_t<Sched, Extra>: what a loop over Sched reads from outside it —
// the per-sample values it broadcasts once before the loop. Extra lists
// further nodes the loop reads (reduction operands, gradient roots).
template <class Sched, class Extra> struct outer_refs;
template <class... N, class Extra> struct outer_refs<tlist<N...>, Extra> {
  template <class E> struct outside : std::bool_constant<!detail::contains_v<E, tlist<N...>>> {};
  using reads = typename fold<Extra, tlist<operands_t<N>...>, detail::union_>::type;
  using type = detail::filter_t<reads, outside>;
};
template <class Sched, class Extra = tlist<>> using outer_refs_t = typename outer_refs<Sched, Extra>::type;

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
template <class E> struct uses_axis : std::bool_constant<is_row_var_v<E> || is_label_var_v<E> ||
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

// ------------------------------------------------------------ the plan
// Roots: the lowered loss, then the lowered derivatives for per-sample
// scalars, then those for rows (free index `out`).
template <class Loss, class ScalarGrads, class RowGrads>
struct plan;
template <class Loss, class... SG, class... RG>
struct plan<Loss, tlist<SG...>, tlist<RG...>> {
  using loss = Loss;
  using scalar_grads = tlist<SG...>;
  using row_grads = tlist<RG...>;

  static constexpr bool elementwise = !(uses_axis<Loss>::value || (uses_axis<SG>::value || ...) ||
                                        sizeof...(RG) > 0);

  // Every per-sample node: the loss, scalar gradients, and what the row
  // gradients need from outside their pass.
  using sample = detail::union_t<sample_schedule_t<tlist<Loss, SG...>>,
                                 outer_schedule_t<tlist<RG...>, out_index>>;
  static constexpr int stages = max_stage<sample>::value;

  template <int S> using computed_at = detail::filter_t<sample, in_stage<S>::template computed>;
  template <int S> using reductions_at = detail::filter_t<sample, in_stage<S>::template reductions>;
  template <int S, int K>
  using pass_reductions = detail::filter_t<reductions_at<S>, over_index<index_var<K>>::template pred>;

  // The element schedule of the pass over index K at stage S.
  template <int S, int K>
  using pass_schedule = elem_schedule_t<all_operands_t<pass_reductions<S, K>>, index_var<K>>;

  using grad_schedule = elem_schedule_t<tlist<RG...>, out_index>;
};

}  // namespace xloss::plan
