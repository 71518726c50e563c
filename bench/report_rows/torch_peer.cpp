#include "torch_peer.hpp"

#include <cstring>
#include <functional>
#include <stdexcept>

#include <ATen/Parallel.h>
#include <torch/autograd.h>
#include <torch/nn/functional/loss.h>
#include <torch/version.h>

namespace rows_peer {

namespace F = torch::nn::functional;
using loss_fn = std::function<torch::Tensor(const std::vector<torch::Tensor>&, const std::vector<torch::Tensor>&)>;

struct call {
  loss_fn f;
  std::vector<torch::Tensor> differentiable, other, grads;
};

namespace {

torch::Tensor tensor_of(const array& a) {
  const auto type = a.type == dtype::f32 ? torch::kFloat : a.type == dtype::f64 ? torch::kDouble : torch::kLong;
  return torch::from_blob(const_cast<void*>(a.data), a.shape, type).clone();
}

loss_fn loss_named(const std::string& name) {
  using V = const std::vector<torch::Tensor>&;
  if (name == "triplet_margin_loss") return [](V d, V) { return F::triplet_margin_loss(d[0], d[1], d[2]); };
  if (name == "cosine_embedding_loss") return [](V d, V o) { return F::cosine_embedding_loss(d[0], d[1], o[0]); };
  if (name == "cross_entropy") return [](V d, V o) { return F::cross_entropy(d[0], o[0]); };
  if (name == "nll_loss") return [](V d, V o) { return F::nll_loss(d[0], o[0]); };
  if (name == "multi_margin_loss") return [](V d, V o) { return F::multi_margin_loss(d[0], o[0]); };
  if (name == "multilabel_soft_margin_loss") return [](V d, V) { return F::multilabel_soft_margin_loss(d[0], d[1]); };
  if (name == "multilabel_margin_loss") return [](V d, V o) { return F::multilabel_margin_loss(d[0], o[0]); };
  if (name == "ctc_loss")
    return [](V d, V o) {
      return F::ctc_loss(d[0], o[0], o[1], o[2], F::CTCLossFuncOptions().reduction(torch::kSum));
    };
  throw std::invalid_argument("rows_peer: no torch peer for loss '" + name + "'");
}

}  // namespace

std::shared_ptr<call> make_call(const std::string& loss, const std::vector<array>& differentiable,
                                const std::vector<array>& other) {
  auto c = std::make_shared<call>();
  c->f = loss_named(loss);
  for (const auto& a : differentiable) c->differentiable.push_back(tensor_of(a).requires_grad_(true));
  for (const auto& a : other) c->other.push_back(tensor_of(a));
  return c;
}

double run(call& c) {
  const torch::Tensor loss = c.f(c.differentiable, c.other);
  c.grads = torch::autograd::grad({loss}, c.differentiable);
  return loss.item<double>();
}

void read_grads(const call& c, const std::vector<void*>& out) {
  for (std::size_t i = 0; i < out.size(); ++i) {
    const torch::Tensor g = c.grads.at(i).contiguous();
    std::memcpy(out[i], g.data_ptr(), g.nbytes());
  }
}

void set_threads(int threads) { at::set_num_threads(threads); }

std::string version() { return TORCH_VERSION; }

}  // namespace rows_peer
