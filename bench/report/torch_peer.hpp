#pragma once
// libtorch eager as the peer: forward + autograd backward of the torch
// functional, as a training step runs it. Hidden behind a plain interface so
// that only torch_peer.cpp (a C++17 translation unit) includes torch.
#include <memory>
#include <string>
#include <vector>

namespace xloss_bench::report::torch_peer {

struct problem;  // opaque: the input tensors of one case

// The libtorch version the peer was compiled against.
std::string version();

// Copies n elements from each input into tensors of float (or double when
// is_double); the first `grads` inputs require gradients. loss is the torch
// functional name (e.g. "mse_loss"); options are this benchmark's (huber
// delta 1, smooth_l1 beta 0.5, hinge margin 1, ranking margin 0.5).
std::shared_ptr<problem> make(const std::string& loss, bool is_double, long n, const std::vector<const void*>& inputs,
                              int grads);

// One call: drop the previous gradients (zero_grad(set_to_none=True)), forward
// with reduction 'mean', backward. Returns the loss value.
double run(problem& p);

// Copies gradient k of the last run into out (n elements of the problem's type).
void gradient(const problem& p, int k, void* out);

void set_threads(int threads);

}  // namespace xloss_bench::report::torch_peer
