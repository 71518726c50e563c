#include "common/eigen.hpp"  // first: <Eigen/Core> with GCC 12's false positive silenced

#include "report_rows/losses/triplet_margin_loss.hpp"
#include "report_rows/register.hpp"
#include "report_rows/rows.hpp"

void rows_report::register_triplet_margin_loss(bool keep) { register_both<triplet_margin_loss>(keep); }
