#include "common/eigen.hpp"  // first: <Eigen/Core> with GCC 12's false positive silenced

#include "report_rows/losses/multilabel_margin_loss.hpp"
#include "report_rows/register.hpp"
#include "report_rows/rows.hpp"

void rows_report::register_multilabel_margin_loss(bool keep) { register_both<multilabel_margin_loss>(keep); }
