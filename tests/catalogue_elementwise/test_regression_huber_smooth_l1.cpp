// The rows huber and smooth_l1 of regression.hpp's table (l1 and mse:
// test_regression_l1_mse.cpp).
#include "regression.hpp"

namespace {
using namespace xloss_test::regression;
[[maybe_unused]] const bool registered = (add_suite<huber>(), add_suite<smooth_l1>(), true);
}  // namespace
