// Lowering: the planner's first step. High-level primitives (softplus,
// sigmoid, logsumexp, norms …) are replaced by their numerically stable
// formulas in simpler primitives, after differentiation. Because the loss and
// every derivative are lowered by the same rules, the pieces they share become
// the same types — softplus(x) in the loss and sigmoid(x) in its derivative
// both contain exp(-abs(x)), which the schedule then evaluates once.
#pragma once

#include <xloss/expression/substitute.hpp>

namespace xloss::plan {

// Does E vary along an inner axis (a position j, k, or a gradient's out)?
template <class E>
inline constexpr bool varies_along_row_v = detail::depends_on_v<E, index_var<0>> ||
                                           detail::depends_on_v<E, index_var<1>> || detail::depends_on_v<E, out_index>;

// rule hoist_division: a / b → a · (1/b) when b is one value per sample and
// a varies along the row: one division per sample instead of one per element
// (the results differ by at most an ulp). Likewise for safe_div.
template <class Op, class A, class B>
constexpr auto lower_division(A a, B b) {
  if constexpr (varies_along_row_v<A> && !varies_along_row_v<B>) {
    if constexpr (std::is_same_v<Op, op::div>) return a * (one{} / b);
    else return a * safe_div(one{}, b);
  } else {
    return detail::rebuild<Op>(a, b);
  }
}

template <class E>
constexpr auto lower(E e) {
  if constexpr (std::is_void_v<op_of<E>>) {
    return e;  // terminals and constants
  } else {
    return [&]<class Op, class... A>(expr<Op, A...>) {
      if constexpr (std::is_same_v<Op, op::at>) return e;
      else if constexpr (std::is_same_v<Op, op::div> || std::is_same_v<Op, op::safe_div>)
        return lower_division<Op>(lower(A{})...);
      else if constexpr (requires { Op::lower(lower(A{})...); }) return lower(Op::lower(lower(A{})...));
      else return detail::rebuild<Op>(lower(A{})...);
    }(e);
  }
}

}  // namespace xloss::plan
