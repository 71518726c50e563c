// xloss: loss functions as compile-time expressions, differentiated
// symbolically and evaluated with their gradients in one fused pass.
//
// The pipeline, one folder each:
//   expression/  the DSL: variables, primitives, reductions, simplification
//   derivative/  d(e, v): symbolic derivatives at compile time
//   plan/        lowering to stable formulas, sharing, schedules and passes
//   kernel/      the fused, vectorised, multi-threaded evaluation
// See docs/design.md.
#pragma once

#include <xloss/expression/dsl.hpp>
#include <xloss/expression/print.hpp>
#include <xloss/expression/reductions.hpp>
#include <xloss/derivative/derive.hpp>
#include <xloss/plan/plan.hpp>
#include <xloss/kernel/evaluate.hpp>
