#include "common/eigen.hpp"  // first: <Eigen/Core> with GCC 12's false positive silenced

#include "report_rows/ctc.hpp"
#include "report_rows/register.hpp"

void rows_report::register_ctc_loss(bool keep) { keep ? ctc::register_ctc_keep() : ctc::register_ctc(); }
