// libtorch eager forward + backward for the report, behind a plain interface
// so that only torch_peer.cpp (compiled as C++17, see CMakeLists.txt)
// includes torch. The data is copied into tensors once; each run() calls the
// torch.nn.functional loss and torch::autograd::grad, as a training step does.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace rows_peer {

enum class dtype { f32, f64, i64 };

struct array {
  const void* data;
  dtype type;
  std::vector<std::int64_t> shape;
};

struct call;  // opaque: the prepared tensors and the loss

// loss: a torch.nn.functional name with default options (reduction 'mean'),
// or "ctc_loss" (reduction 'sum'; other = targets, input_lengths,
// target_lengths). differentiable: the inputs to take gradients of.
std::shared_ptr<call> make_call(const std::string& loss, const std::vector<array>& differentiable,
                                const std::vector<array>& other);
// One forward + backward; returns the loss value.
double run(call& c);
// The gradients of the last run(), in the order of `differentiable`, copied
// into buffers of the same size and type.
void read_grads(const call& c, const std::vector<void*>& out);
void set_threads(int threads);
std::string version();

}  // namespace rows_peer
