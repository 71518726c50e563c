// Lowering: the planner's first step. High-level primitives (softplus,
// sigmoid, logsumexp, norms …) are replaced by their numerically stable
// formulas in simpler primitives, after differentiation. Because the loss and
// every derivative are lowered by the same rules, the pieces they share become
// the same types — softplus(x) in the loss and sigmoid(x) in its derivative
// both contain exp(-abs(x)), which the schedule then evaluates once.
#pragma once

#include <xloss/expression/substitute.hpp>

namespace xloss::plan {

template <class E>
constexpr auto lower(E e) {
  if constexpr (std::is_void_v<op_of<E>>) {
    return e;  // terminals and constants
  } else {
    return [&]<class Op, class... A>(expr<Op, A...>) {
      if constexpr (std::is_same_v<Op, op::at>) return e;
      else if constexpr (requires { Op::lower(lower(A{})...); }) return lower(Op::lower(lower(A{})...));
      else return detail::rebuild<Op>(lower(A{})...);
    }(e);
  }
}

}  // namespace xloss::plan
