// CTC loss + gradient with respect to log_probs, float32, blank 0, input
// lengths = T, target lengths drawn in [T/5, 2T/5]. xloss (ctc_loss with a
// warm workspace) against libtorch's CPU kernels when available, and the
// same loss as a DSL term (evaluate_ctc with the loss `c`, reduction sum):
// the difference is the cost of the composition.
#include <xloss/lattice/ctc.hpp>
#include <xloss/lattice/ctc_term.hpp>
#include <xloss/xloss.hpp>

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#ifdef XLOSS_BENCH_HAVE_TORCH
#include "torch_peer.hpp"
#endif

namespace {

struct problem {
  long T, N, C;
  std::vector<float> lp;
  std::vector<std::int64_t> targets, il, tl;
};

problem make_problem(long T, long N, long C) {
  problem p{T, N, C, {}, {}, {}, {}};
  std::mt19937 rng(static_cast<unsigned>(T * 1000 + N));
  std::normal_distribution<double> nd(0.0, 2.0);
  p.lp.resize(static_cast<std::size_t>(T * N * C));
  for (long r = 0; r < T * N; ++r) {  // log_softmax of random logits
    std::vector<double> row(static_cast<std::size_t>(C));
    double mx = -1e300, s = 0;
    for (auto& v : row) mx = std::max(mx, v = nd(rng));
    for (double v : row) s += std::exp(v - mx);
    for (long c = 0; c < C; ++c) p.lp[r * C + c] = static_cast<float>(row[c] - mx - std::log(s));
  }
  std::uniform_int_distribution<std::int64_t> len(T / 5, 2 * T / 5), label(1, C - 1);
  for (long n = 0; n < N; ++n) {
    p.il.push_back(T);
    p.tl.push_back(len(rng));
    for (std::int64_t i = 0; i < p.tl.back(); ++i) p.targets.push_back(label(rng));
  }
  return p;
}

void bm_xloss(benchmark::State& state) {
  const auto p = make_problem(state.range(0), state.range(1), state.range(2));
  const int threads = static_cast<int>(state.range(3));
  xloss::ctc_workspace<float> ws(threads);
  std::vector<float> grad(p.lp.size());
  for (auto _ : state) {
    const float loss = xloss::ctc_loss(xloss::ctc_frames<float>{p.lp.data(), p.T, p.N, p.C},
                                       xloss::ctc_targets::concatenated(p.targets), p.il, p.tl,
                                       {.reduction = xloss::reduction::sum}, {.grad = grad}, &ws);
    benchmark::DoNotOptimize(loss);
    benchmark::DoNotOptimize(grad.data());
  }
}

void bm_xloss_term(benchmark::State& state) {
  const auto p = make_problem(state.range(0), state.range(1), state.range(2));
  const int threads = static_cast<int>(state.range(3));
  constexpr auto c = xloss::ctc_term<"ctc">;
  xloss::ctc_workspace<float> ws(threads);
  std::vector<float> grad(p.lp.size());
  for (auto _ : state) {
    const float loss = xloss::evaluate_ctc(
        c, xloss::reduction::sum,
        xloss::ctc_input(xloss::ctc_frames<float>{p.lp.data(), p.T, p.N, p.C},
                         xloss::ctc_targets::concatenated(p.targets), p.il, p.tl),
        xloss::grad_ctc(grad), ws);
    benchmark::DoNotOptimize(loss);
    benchmark::DoNotOptimize(grad.data());
  }
}

#ifdef XLOSS_BENCH_HAVE_TORCH
void bm_libtorch(benchmark::State& state) {
  const auto p = make_problem(state.range(0), state.range(1), state.range(2));
  bench_peer::set_torch_threads(static_cast<int>(state.range(3)));
  auto k = bench_peer::make_torch_ctc(p.lp, p.T, p.N, p.C, p.targets, p.il, p.tl);
  for (auto _ : state) benchmark::DoNotOptimize(bench_peer::run_torch_ctc(*k));
}
#endif

void args(benchmark::internal::Benchmark* b) {
  b->ArgNames({"T", "N", "C", "threads"});
  for (int threads : {1, 2}) {
    b->Args({50, 16, 28, threads});
    b->Args({200, 64, 32, threads});
  }
  b->Unit(benchmark::kMicrosecond)->UseRealTime();
}

}  // namespace

BENCHMARK(bm_xloss)->Apply(args);
BENCHMARK(bm_xloss_term)->Apply(args);
#ifdef XLOSS_BENCH_HAVE_TORCH
BENCHMARK(bm_libtorch)->Apply(args);
#endif

int main(int argc, char** argv) {
#ifndef XLOSS_BENCH_HAVE_TORCH
  std::printf("libtorch: not installed\n");
#endif
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
