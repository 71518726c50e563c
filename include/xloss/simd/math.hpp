#pragma once
// Vectorised elementary functions for float/double, each one template that
// serves both plain T and pack<T, W> (same operations, bit-identical
// results): exp, expm1, log, log1p, tanh. No libm calls, no table lookups.
// Accuracy and speed: docs/simd.md.
#include "xloss/simd/exp.hpp"
#include "xloss/simd/log.hpp"
#include "xloss/simd/tanh.hpp"
