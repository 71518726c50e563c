// TripletMarginLoss: the float32 reference cases and kernel checks
// (triplet_margin_loss.hpp; the tests: triplet_margin_loss.cpp).
#include "triplet_margin_loss.hpp"

namespace rows_test::triplet_test {
template void reference_case<float>(const ref_case&);
template void kernel_sizes<float>();
}  // namespace rows_test::triplet_test
