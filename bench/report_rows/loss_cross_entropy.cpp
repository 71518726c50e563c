#include "common/eigen.hpp"  // first: <Eigen/Core> with GCC 12's false positive silenced

#include "report_rows/losses/cross_entropy.hpp"
#include "report_rows/register.hpp"
#include "report_rows/rows.hpp"

void rows_report::register_cross_entropy(bool keep) { register_both<cross_entropy>(keep); }
