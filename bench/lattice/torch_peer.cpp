#include "torch_peer.hpp"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

namespace bench_peer {

struct torch_ctc {
  at::Tensor lp, targets;
  std::vector<std::int64_t> il, tl;
};

std::shared_ptr<torch_ctc> make_torch_ctc(const std::vector<float>& log_probs, long T, long N, long C,
                                          const std::vector<std::int64_t>& targets,
                                          const std::vector<std::int64_t>& input_lengths,
                                          const std::vector<std::int64_t>& target_lengths) {
  auto k = std::make_shared<torch_ctc>();
  k->lp = at::from_blob(const_cast<float*>(log_probs.data()), {T, N, C}, at::kFloat).clone();
  k->targets = at::from_blob(const_cast<std::int64_t*>(targets.data()),
                             {static_cast<std::int64_t>(targets.size())}, at::kLong).clone();
  k->il = input_lengths;
  k->tl = target_lengths;
  return k;
}

double run_torch_ctc(torch_ctc& k) {
  auto [nll, alpha] = at::_ctc_loss(k.lp, k.targets, k.il, k.tl, /*blank=*/0, /*zero_infinity=*/false);
  auto grad = at::_ctc_loss_backward(at::ones_like(nll), k.lp, k.targets, k.il, k.tl, nll, alpha, 0, false);
  return double(nll.data_ptr<float>()[0]) + double(grad.data_ptr<float>()[0]);  // both results used
}

void set_torch_threads(int threads) { at::set_num_threads(threads); }

}  // namespace bench_peer
