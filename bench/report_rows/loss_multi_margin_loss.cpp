#include "common/eigen.hpp"  // first: <Eigen/Core> with GCC 12's false positive silenced

#include "report_rows/losses/multi_margin_loss.hpp"
#include "report_rows/register.hpp"
#include "report_rows/rows.hpp"

void rows_report::register_multi_margin_loss(bool keep) { register_both<multi_margin_loss>(keep); }
