// CTC loss + gradient with respect to log_probs, float32, blank 0, input
// lengths T, target lengths drawn in [T/5, 2T/5], reduction 'sum':
// xloss::ctc_loss (warm workspace) against libtorch's CPU CTC
// (torch.nn.functional.ctc_loss + autograd) when available. Names:
// ctc_loss/float/<variant>/<T>; ns_per_elem is per entry of log_probs
// (T·N·C); there is no bandwidth floor (x_floor = 0): the DP is latency-bound.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include <xloss/lattice/ctc.hpp>

#include "common/agreement.hpp"
#include "common/eigen.hpp"
#include "report_rows/variants.hpp"

#ifdef XLOSS_BENCH_HAVE_TORCH
#include "report_rows/torch_peer.hpp"
#endif

namespace rows_report::ctc {

struct shape {
  long T, N, C;
};
inline constexpr std::array<shape, 2> shapes = {{{50, 16, 28}, {200, 64, 32}}};

// log_softmax of N(0, 2) logits; labels uniform in [1, C).
struct problem {
  explicit problem(shape s) : T(s.T), N(s.N), C(s.C), lp(std::size_t(T * N * C)), grad(lp.size()) {
    std::mt19937 rng(static_cast<unsigned>(T * 1000 + N));
    std::normal_distribution<double> logit(0.0, 2.0);
    std::vector<double> row(static_cast<std::size_t>(C));
    for (long r = 0; r < T * N; ++r) {
      double mx = -1e300, sum = 0;
      for (auto& v : row) mx = std::max(mx, v = logit(rng));
      for (double v : row) sum += std::exp(v - mx);
      for (long c = 0; c < C; ++c) lp[std::size_t(r * C + c)] = float(row[std::size_t(c)] - mx - std::log(sum));
    }
    std::uniform_int_distribution<std::int64_t> length(T / 5, 2 * T / 5), label(1, C - 1);
    for (long n = 0; n < N; ++n) {
      input_lengths.push_back(T);
      target_lengths.push_back(length(rng));
      for (std::int64_t i = 0; i < target_lengths.back(); ++i) targets.push_back(label(rng));
    }
  }

  float run_xloss(xloss::ctc_workspace<float>& ws) {
    return xloss::ctc_loss(xloss::ctc_frames<float>{lp.data(), T, N, C}, xloss::ctc_targets::concatenated(targets),
                           input_lengths, target_lengths, {.reduction = xloss::reduction::sum}, {.grad = grad}, &ws);
  }

  long T, N, C;
  std::vector<float> lp, grad;
  std::vector<std::int64_t> targets, input_lengths, target_lengths;
};

// The problem of a shape with xloss's results, kept across its variants.
struct held_case {
  explicit held_case(shape s) : p(s) {
    xloss::ctc_workspace<float> ws(1);
    ref_loss = p.run_xloss(ws);
    ref_grad = p.grad;
  }
  problem p;
  float ref_loss;
  std::vector<float> ref_grad;
  std::set<std::string> checked;
#ifdef XLOSS_BENCH_HAVE_TORCH
  std::shared_ptr<rows_peer::call> torch;
#endif
};

inline held_case& case_for(shape s) {
  static std::unique_ptr<held_case> held;
  if (!held || held->p.T != s.T) {
    held.reset();
    held = std::make_unique<held_case>(s);
  }
  return *held;
}

// The gradient is −γ, γ = exp(α + β − ℓ − lp) ≤ 1, where α, β and ℓ (the
// sequence's negative log-likelihood) are float log-domain sums of magnitude
// up to ℓ. Two different DPs (PyTorch's and xloss's) round each by a few
// eps·ℓ, which becomes a relative error of γ: the absolute tolerance scales
// with ℓ, taken as the mean over the batch (loss, reduction 'sum', over N).
inline void check_grad(const held_case& h, const std::vector<float>& grad, const std::string& what) {
  using M = Eigen::Map<const Eigen::ArrayXf>;
  const auto n = Eigen::Index(grad.size());
  const double nll = std::max(1.0, double(h.ref_loss) / double(h.p.N));
  xloss_bench::require_close_gradient(what + ": gradient", M(h.ref_grad.data(), n), M(grad.data(), n), nll);
}

inline void set_ctc_counters(benchmark::State& state, const problem& p) {
  using C = benchmark::Counter;
  state.counters["ns_per_elem"] = C(double(p.T * p.N * p.C) * 1e-9, C::kIsIterationInvariantRate | C::kInvert);
  state.counters["x_floor"] = 0;
}

inline void bench_xloss(benchmark::State& state, shape s, int threads, const std::string& name) {
  auto& h = case_for(s);
  xloss::ctc_workspace<float> ws(threads);
  if (h.checked.insert(name).second) {
    xloss_bench::require_close_loss(name, h.ref_loss, h.p.run_xloss(ws), double(s.T * s.N));
    check_grad(h, h.p.grad, name);
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(h.p.run_xloss(ws));
    benchmark::ClobberMemory();
  }
  set_ctc_counters(state, h.p);
}

#ifdef XLOSS_BENCH_HAVE_TORCH
// PyTorch's log_probs.grad is exp(log_probs) − γ, not the derivative
// (docs/ctc.md): exp(log_probs) is taken off before comparing with xloss.
inline void bench_torch(benchmark::State& state, shape s, int threads, bool keep, const std::string& name) {
  auto& h = case_for(s);
  if (keep) keep_freed_memory();
  rows_peer::set_threads(threads);
  if (!h.torch) {
    auto& p = h.p;
    using rows_peer::dtype;
    h.torch = rows_peer::make_call("ctc_loss", {{p.lp.data(), dtype::f32, {p.T, p.N, p.C}}},
                                   {{p.targets.data(), dtype::i64, {std::int64_t(p.targets.size())}},
                                    {p.input_lengths.data(), dtype::i64, {p.N}},
                                    {p.target_lengths.data(), dtype::i64, {p.N}}});
  }
  if (h.checked.insert(name).second) {
    const double loss = rows_peer::run(*h.torch);
    std::vector<float> grad(h.p.lp.size());
    rows_peer::read_grads(*h.torch, {grad.data()});
    for (std::size_t i = 0; i < grad.size(); ++i) grad[i] = float(double(grad[i]) - std::exp(double(h.p.lp[i])));
    xloss_bench::require_close_loss(name, h.ref_loss, float(loss), double(s.T * s.N));
    check_grad(h, grad, name);
  }
  benchmark::DoNotOptimize(rows_peer::run(*h.torch));  // untimed warm-up
  for (auto _ : state) benchmark::DoNotOptimize(rows_peer::run(*h.torch));
  set_ctc_counters(state, h.p);
}
#endif

inline void add(shape s, const std::string& variant, std::function<void(benchmark::State&, const std::string&)> f) {
  const auto name = "ctc_loss/float/" + variant + "/" + std::to_string(s.T);
  auto* b = benchmark::RegisterBenchmark(name.c_str(), [f, name](benchmark::State& st) { f(st, name); });
  b->Unit(benchmark::kMicrosecond);
  if (is_threaded(variant)) b->UseRealTime();
}

// Everything but the *_keep variants.
inline void register_ctc() {
  for (const shape s : shapes) {
    if (s.T * s.N * s.C > max_size()) continue;
    add(s, "fused", [s](benchmark::State& st, const std::string& n) { bench_xloss(st, s, 1, n); });
    add(s, "fused_threads", [s](benchmark::State& st, const std::string& n) { bench_xloss(st, s, all_threads(), n); });
#ifdef XLOSS_BENCH_HAVE_TORCH
    add(s, "torch", [s](benchmark::State& st, const std::string& n) { bench_torch(st, s, 1, false, n); });
    add(s, "torch_threads",
        [s](benchmark::State& st, const std::string& n) { bench_torch(st, s, all_threads(), false, n); });
#endif
  }
}

inline void register_ctc_keep() {
#ifdef XLOSS_BENCH_HAVE_TORCH
  for (const shape s : shapes) {
    if (s.T * s.N * s.C > max_size()) continue;
    add(s, "torch_keep", [s](benchmark::State& st, const std::string& n) { bench_torch(st, s, 1, true, n); });
    add(s, "torch_keep_threads",
        [s](benchmark::State& st, const std::string& n) { bench_torch(st, s, all_threads(), true, n); });
  }
#endif
}

}  // namespace rows_report::ctc
