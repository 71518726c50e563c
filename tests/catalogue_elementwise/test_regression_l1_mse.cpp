// The rows l1 and mse of regression.hpp's table (huber and smooth_l1:
// test_regression_huber_smooth_l1.cpp).
#include "regression.hpp"

namespace {
using namespace xloss_test::regression;
[[maybe_unused]] const bool registered = (add_suite<l1>(), add_suite<mse>(), true);
}  // namespace
