// Declarations of the DSL's builder functions, so that the derivative and
// lowering rules of primitives.hpp can name them before dsl.hpp defines them.
#pragma once

#include <xloss/expression/expr.hpp>

namespace xloss {

#define XLOSS_DECLARE_UNARY(fn) template <expression A> constexpr auto fn(A a);
XLOSS_DECLARE_UNARY(exp)
XLOSS_DECLARE_UNARY(log)
XLOSS_DECLARE_UNARY(log1p)
XLOSS_DECLARE_UNARY(expm1)
XLOSS_DECLARE_UNARY(sqrt)
XLOSS_DECLARE_UNARY(tanh)
XLOSS_DECLARE_UNARY(sigmoid)
XLOSS_DECLARE_UNARY(softplus)
XLOSS_DECLARE_UNARY(log_sigmoid)
XLOSS_DECLARE_UNARY(abs)
XLOSS_DECLARE_UNARY(sign)
XLOSS_DECLARE_UNARY(relu)
#undef XLOSS_DECLARE_UNARY

template <expression A, expression B> constexpr auto safe_div(A a, B b);
template <expression C, expression A, expression B> constexpr auto select(C c, A a, B b);
template <expression I, expression J, expression H> constexpr auto kron(I i, J j, H h);

}  // namespace xloss
