// The elementwise catalogue losses: the fused xloss::nn call against a naive
// Eigen port, float32, N = 10^6, reduction 'mean', loss value plus the
// gradient of every differentiable argument. The naive port is what a user
// writes from the formula: each forward term a named ArrayXf temporary, the
// loss summed, then a separate backward pass. Both run on one thread.
// Before timing, each pair is checked to agree (loss and gradients).
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <benchmark/benchmark.h>

#include <xloss/nn/binary_cross_entropy.hpp>
#include <xloss/nn/binary_cross_entropy_with_logits.hpp>
#include <xloss/nn/hinge_embedding_loss.hpp>
#include <xloss/nn/huber_loss.hpp>
#include <xloss/nn/kl_div.hpp>
#include <xloss/nn/l1_loss.hpp>
#include <xloss/nn/margin_ranking_loss.hpp>
#include <xloss/nn/mse_loss.hpp>
#include <xloss/nn/smooth_l1_loss.hpp>
#include <xloss/nn/soft_margin_loss.hpp>

#include "common/data.hpp"

namespace {

using A = Eigen::ArrayXf;
using V = Eigen::VectorXf;
namespace nn = xloss::nn;
constexpr Eigen::Index N = 1'000'000;

A fill(std::uint64_t seed, double lo, double hi) {
  A a(N);
  for (Eigen::Index i = 0; i < N; ++i) a[i] = float(xloss_bench::uniform(seed, std::uint64_t(i), lo, hi));
  return a;
}
A signs(std::uint64_t seed) { return fill(seed, -1, 1).sign(); }

// Inputs shared by all cases, and the gradient buffers.
struct data {
  A x = fill(1, -4, 4), y = fill(2, -4, 4), p = fill(3, 0.01, 0.99), t01 = fill(4, 0, 1), s = signs(5);
  A g1 = A::Zero(N), g2 = A::Zero(N), g3 = A::Zero(N);
};
data& d() {
  static data instance;
  return instance;
}
const float n = float(N);
A softplus(const A& z) { return z.max(0.f) + (-z.abs()).exp().log1p(); }
A sigmoid(const A& z) { return 1.f / (1.f + (-z).exp()); }

// ------------------------------------------------------------ naive ports
float mse_naive(const A& x, const A& y, A& gx, A& gy) {
  const A diff = x - y;
  const A l = diff.square();
  const float loss = l.sum() / n;
  gx = 2.f * (x - y) / n;
  gy = -gx;
  return loss;
}
float l1_naive(const A& x, const A& y, A& gx, A& gy) {
  const A diff = x - y;
  const A l = diff.abs();
  const float loss = l.sum() / n;
  gx = (x - y).sign() / n;
  gy = -gx;
  return loss;
}
float huber_naive(const A& x, const A& y, A& gx, A& gy) {  // delta = 1
  const A diff = x - y;
  const A ad = diff.abs();
  const A l = (ad < 1.f).select(0.5f * diff.square(), ad - 0.5f);
  const float loss = l.sum() / n;
  const A dd = x - y;
  gx = (dd.abs() < 1.f).select(dd, dd.sign()) / n;
  gy = -gx;
  return loss;
}
float smooth_l1_naive(const A& x, const A& y, A& gx, A& gy) {  // beta = 0.5
  const A diff = x - y;
  const A ad = diff.abs();
  const A l = (ad < 0.5f).select(diff.square(), ad - 0.25f);  // ½d²/β, |d| − ½β
  const float loss = l.sum() / n;
  const A dd = x - y;
  gx = (dd.abs() < 0.5f).select(2.f * dd, dd.sign()) / n;
  gy = -gx;
  return loss;
}
float soft_margin_naive(const A& x, const A& y, A& gx) {
  const A z = -y * x;
  const A l = softplus(z);
  const float loss = l.sum() / n;
  gx = -y * sigmoid(-y * x) / n;
  return loss;
}
float hinge_naive(const A& x, const A& y, A& gx) {  // margin = 1
  const A hinge = (1.f - x).max(0.f);
  const A l = (y != 1.f).select(hinge, 0.f) + (y != -1.f).select(x, 0.f);
  const float loss = l.sum() / n;
  gx = ((y != 1.f) && (1.f - x >= 0.f)).select(-1.f, A::Zero(N)) + (y != -1.f).select(1.f, A::Zero(N));
  gx /= n;
  return loss;
}
float ranking_naive(const A& x1, const A& x2, const A& y, A& g1, A& g2, A& gy) {  // margin = 0.5
  const A z = -y * (x1 - x2) + 0.5f;
  const A l = z.max(0.f);
  const float loss = l.sum() / n;
  const A active = ((-y * (x1 - x2) + 0.5f) >= 0.f).cast<float>() / n;
  g1 = -y * active;
  g2 = y * active;
  gy = -(x1 - x2) * active;
  return loss;
}
float kl_naive(const A& x, const A& t, A& gx, A& gt) {
  const A tlogt = (t == 0.f).select(0.f, t * t.log());
  const A l = tlogt - t * x;
  const float loss = l.sum() / n;
  gx = -t / n;
  gt = ((t == 0.f).select(0.f, t.log() + 1.f) - x) / n;
  return loss;
}
float bce_naive(const A& x, const A& y, A& gx, A& gy) {
  const A logx = x.log().max(-100.f);
  const A log1mx = (-x).log1p().max(-100.f);
  const A l = -(y * logx + (1.f - y) * log1mx);
  const float loss = l.sum() / n;
  gx = (x - y) / (x * (1.f - x)).max(1e-12f) / n;  // PyTorch's backward
  gy = ((-x).log1p() - x.log()) / n;
  return loss;
}
float bce_logits_naive(const A& x, const A& y, A& gx, A& gy) {
  const A l = (1.f - y) * softplus(x) + y * softplus(-x);
  const float loss = l.sum() / n;
  gx = (sigmoid(x) - y) / n;
  gy = -x / n;
  return loss;
}

// ------------------------------------------------------------ cases
Eigen::Map<V> m(A& a) { return {a.data(), a.size()}; }
const auto one = xloss::threads(1);

struct loss_case {
  const char* name;
  float (*fused)();
  float (*naive)();
  int grads;
};

const loss_case cases[] = {
    {"mse_loss", [] { auto& D = d(); return nn::mse_loss(D.x.matrix(), D.y.matrix(), {}, nn::grad<"input"> = m(D.g1), nn::grad<"target"> = m(D.g2), one); },
     [] { auto& D = d(); return mse_naive(D.x, D.y, D.g1, D.g2); }, 2},
    {"l1_loss", [] { auto& D = d(); return nn::l1_loss(D.x.matrix(), D.y.matrix(), {}, nn::grad<"input"> = m(D.g1), nn::grad<"target"> = m(D.g2), one); },
     [] { auto& D = d(); return l1_naive(D.x, D.y, D.g1, D.g2); }, 2},
    {"huber_loss", [] { auto& D = d(); return nn::huber_loss(D.x.matrix(), D.y.matrix(), {}, nn::grad<"input"> = m(D.g1), nn::grad<"target"> = m(D.g2), one); },
     [] { auto& D = d(); return huber_naive(D.x, D.y, D.g1, D.g2); }, 2},
    {"smooth_l1_loss", [] { auto& D = d(); return nn::smooth_l1_loss(D.x.matrix(), D.y.matrix(), {.beta = 0.5f}, nn::grad<"input"> = m(D.g1), nn::grad<"target"> = m(D.g2), one); },
     [] { auto& D = d(); return smooth_l1_naive(D.x, D.y, D.g1, D.g2); }, 2},
    {"soft_margin_loss", [] { auto& D = d(); return nn::soft_margin_loss(D.x.matrix(), D.s.matrix(), {}, nn::grad<"input"> = m(D.g1), one); },
     [] { auto& D = d(); return soft_margin_naive(D.x, D.s, D.g1); }, 1},
    {"hinge_embedding_loss", [] { auto& D = d(); return nn::hinge_embedding_loss(D.x.matrix(), D.s.matrix(), {}, nn::grad<"input"> = m(D.g1), one); },
     [] { auto& D = d(); return hinge_naive(D.x, D.s, D.g1); }, 1},
    {"margin_ranking_loss", [] { auto& D = d(); return nn::margin_ranking_loss(D.x.matrix(), D.y.matrix(), D.s.matrix(), {.margin = 0.5f}, nn::grad<"input1"> = m(D.g1), nn::grad<"input2"> = m(D.g2), nn::grad<"target"> = m(D.g3), one); },
     [] { auto& D = d(); return ranking_naive(D.x, D.y, D.s, D.g1, D.g2, D.g3); }, 3},
    {"kl_div", [] { auto& D = d(); return nn::kl_div(D.x.matrix(), D.t01.matrix(), {}, nn::grad<"input"> = m(D.g1), nn::grad<"target"> = m(D.g2), one); },
     [] { auto& D = d(); return kl_naive(D.x, D.t01, D.g1, D.g2); }, 2},
    {"binary_cross_entropy", [] { auto& D = d(); return nn::binary_cross_entropy(D.p.matrix(), D.t01.matrix(), {}, nn::grad<"input"> = m(D.g1), nn::grad<"target"> = m(D.g2), one); },
     [] { auto& D = d(); return bce_naive(D.p, D.t01, D.g1, D.g2); }, 2},
    {"binary_cross_entropy_with_logits", [] { auto& D = d(); return nn::binary_cross_entropy_with_logits(D.x.matrix(), D.t01.matrix(), {}, nn::grad<"input"> = m(D.g1), nn::grad<"target"> = m(D.g2), one); },
     [] { auto& D = d(); return bce_logits_naive(D.x, D.t01, D.g1, D.g2); }, 2},
};

// The two variants must agree before either is timed (float32: 1e-4 relative).
void check(const loss_case& c) {
  auto& D = d();
  const float a = c.fused();
  const A f1 = D.g1, f2 = D.g2, f3 = D.g3;
  const float b = c.naive();
  auto bad = [](const A& u, const A& v) { return ((u - v).abs() > 1e-4f * (v.abs() + 1.f / n)).any(); };
  if (std::fabs(a - b) > 1e-4f * std::fabs(b) || bad(f1, D.g1) || (c.grads > 1 && bad(f2, D.g2)) ||
      (c.grads > 2 && bad(f3, D.g3))) {
    std::fprintf(stderr, "%s: fused and naive disagree (loss %g vs %g)\n", c.name, double(a), double(b));
    std::abort();
  }
}

void run(benchmark::State& state, float (*fn)()) {
  for (auto _ : state) benchmark::DoNotOptimize(fn());
  state.SetItemsProcessed(state.iterations() * N);
}

}  // namespace

int main(int argc, char** argv) {
  for (const loss_case& c : cases) {
    check(c);
    benchmark::RegisterBenchmark((std::string(c.name) + "/fused").c_str(), run, c.fused)->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark((std::string(c.name) + "/naive").c_str(), run, c.naive)->Unit(benchmark::kMicrosecond);
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
}
