#include "common/eigen.hpp"  // first: <Eigen/Core> with GCC 12's false positive silenced

#include "report_rows/losses/cosine_embedding_loss.hpp"
#include "report_rows/register.hpp"
#include "report_rows/rows.hpp"

void rows_report::register_cosine_embedding_loss(bool keep) { register_both<cosine_embedding_loss>(keep); }
