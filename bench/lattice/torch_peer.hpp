#pragma once
// libtorch's CPU CTC kernels (at::_ctc_loss + at::_ctc_loss_backward), hidden
// behind a plain interface so that only torch_peer.cpp includes torch.
#include <cstdint>
#include <memory>
#include <vector>

namespace bench_peer {

struct torch_ctc;  // opaque: input tensors prepared once

std::shared_ptr<torch_ctc> make_torch_ctc(const std::vector<float>& log_probs, long T, long N, long C,
                                          const std::vector<std::int64_t>& targets,
                                          const std::vector<std::int64_t>& input_lengths,
                                          const std::vector<std::int64_t>& target_lengths);
// Loss + gradient w.r.t. log_probs (grad_out = ones); returns a value that
// depends on both so neither can be skipped.
double run_torch_ctc(torch_ctc& k);
void set_torch_threads(int threads);

}  // namespace bench_peer
