#include "torch_peer.hpp"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/version.h>

#include <cstring>
#include <functional>
#include <map>
#include <stdexcept>

namespace xloss_bench::report::torch_peer {

using at::Tensor;
using fn = std::function<Tensor(const std::vector<Tensor>&)>;

struct problem {
  fn loss;
  std::vector<Tensor> in;
  int grads = 0;
};

namespace {
constexpr auto mean = at::Reduction::Mean;

const std::map<std::string, fn>& functionals() {
  static const std::map<std::string, fn> table = {
      {"l1_loss", [](const std::vector<Tensor>& v) { return at::l1_loss(v[0], v[1], mean); }},
      {"mse_loss", [](const std::vector<Tensor>& v) { return at::mse_loss(v[0], v[1], mean); }},
      {"huber_loss", [](const std::vector<Tensor>& v) { return at::huber_loss(v[0], v[1], mean, 1.0); }},
      {"smooth_l1_loss", [](const std::vector<Tensor>& v) { return at::smooth_l1_loss(v[0], v[1], mean, 0.5); }},
      {"soft_margin_loss", [](const std::vector<Tensor>& v) { return at::soft_margin_loss(v[0], v[1], mean); }},
      {"hinge_embedding_loss",
       [](const std::vector<Tensor>& v) { return at::hinge_embedding_loss(v[0], v[1], 1.0, mean); }},
      {"margin_ranking_loss",
       [](const std::vector<Tensor>& v) { return at::margin_ranking_loss(v[0], v[1], v[2], 0.5, mean); }},
      {"kl_div", [](const std::vector<Tensor>& v) { return at::kl_div(v[0], v[1], mean, false); }},
      {"binary_cross_entropy",
       [](const std::vector<Tensor>& v) { return at::binary_cross_entropy(v[0], v[1], {}, mean); }},
      {"binary_cross_entropy_with_logits",
       [](const std::vector<Tensor>& v) { return at::binary_cross_entropy_with_logits(v[0], v[1], {}, {}, mean); }},
  };
  return table;
}
}  // namespace

std::string version() { return TORCH_VERSION; }

std::shared_ptr<problem> make(const std::string& loss, bool is_double, long n, const std::vector<const void*>& inputs,
                              int grads) {
  const auto it = functionals().find(loss);
  if (it == functionals().end()) throw std::invalid_argument("torch_peer: no functional named " + loss);
  auto p = std::make_shared<problem>();
  p->loss = it->second;
  p->grads = grads;
  const auto type = is_double ? at::kDouble : at::kFloat;
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    Tensor t = at::from_blob(const_cast<void*>(inputs[k]), {n}, type).clone();
    if (int(k) < grads) t.set_requires_grad(true);
    p->in.push_back(t);
  }
  return p;
}

double run(problem& p) {
  for (int k = 0; k < p.grads; ++k) p.in[std::size_t(k)].mutable_grad().reset();
  Tensor l = p.loss(p.in);
  l.backward();
  return l.item<double>();
}

void gradient(const problem& p, int k, void* out) {
  const Tensor g = p.in[std::size_t(k)].grad().contiguous();
  std::memcpy(out, g.data_ptr(), std::size_t(g.numel()) * g.element_size());
}

void set_threads(int threads) { at::set_num_threads(threads); }

}  // namespace xloss_bench::report::torch_peer
