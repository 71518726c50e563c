// How per-sample losses are reduced (PyTorch's `reduction`):
//   none  per-sample losses are written out (loss_out); the call returns their sum
//   mean  the sum divided by the number of samples (NaN for none)
//   sum   the sum
#pragma once

namespace xloss {
enum class reduction { none, mean, sum };
}  // namespace xloss
