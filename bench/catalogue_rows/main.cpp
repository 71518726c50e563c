// Row-wise catalogue losses: the fused kernel (value and every input gradient
// in one call, reduction mean) against a naive Eigen port — what a user writes
// with Eigen arrays: forward statements with temporaries, then a backward
// pass. float32, N×D = 8192×128 (about 10^6 elements per input).
// Ratio = naive time / fused time (compare the two lines of each loss).
#include "common/eigen.hpp"  // first: <Eigen/Core> with GCC 12's false positive silenced

#include <benchmark/benchmark.h>

#include <cstdint>

#include <xloss/nn/cosine_embedding_loss.hpp>
#include <xloss/nn/cross_entropy.hpp>
#include <xloss/nn/multi_margin_loss.hpp>
#include <xloss/nn/multilabel_margin_loss.hpp>
#include <xloss/nn/multilabel_soft_margin_loss.hpp>
#include <xloss/nn/nll_loss.hpp>
#include <xloss/nn/triplet_margin_loss.hpp>

#include "baselines/triplet.hpp"
#include "common/data.hpp"

namespace {

namespace nn = xloss::nn;
using T = float;
using Rows = Eigen::Array<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Col = Eigen::Array<T, Eigen::Dynamic, 1>;
using Labels = Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1>;
constexpr long N = 8192, D = 128;

Rows random_rows(std::uint64_t seed, double lo = -1, double hi = 1) {
  Rows r(N, D);
  for (long i = 0; i < r.size(); ++i) r.data()[i] = static_cast<T>(xloss_bench::uniform(seed, std::uint64_t(i), lo, hi));
  return r;
}
Labels random_labels(std::uint64_t seed) {
  Labels y(N);
  for (long i = 0; i < N; ++i) y(i) = static_cast<std::int64_t>(xloss_bench::mix(seed, std::uint64_t(i)) % D);
  return y;
}
Rows onehot(const Labels& y) {
  Rows h = Rows::Zero(N, D);
  for (long i = 0; i < N; ++i) h(i, y(i)) = 1;
  return h;
}

template <class F>
void run(benchmark::State& state, F f) {
  for (auto _ : state) benchmark::DoNotOptimize(f());
  state.SetItemsProcessed(state.iterations() * N * D);
}

// ---------------------------------------------------------------- triplet (p = 2)
void triplet_fused(benchmark::State& s) {
  Rows a = random_rows(1), p = random_rows(2), n = random_rows(3), ga(N, D), gp(N, D), gn(N, D);
  run(s, [&] { return nn::triplet_margin_loss(a, p, n, {}, nn::grad<"anchor"> = ga, nn::grad<"positive"> = gp, nn::grad<"negative"> = gn); });
}
void triplet_naive(benchmark::State& s) {
  xloss_bench::baselines::Rows<T> a = random_rows(1), p = random_rows(2), n = random_rows(3), ga(N, D), gp(N, D), gn(N, D);
  run(s, [&] { return xloss_bench::baselines::triplet::naive<T>(a, p, n, ga, gp, gn); });
}

// ---------------------------------------------------------------- cosine embedding
Col signs() {
  Col y(N);
  for (long i = 0; i < N; ++i) y(i) = i % 2 ? T(1) : T(-1);
  return y;
}
void cosine_fused(benchmark::State& s) {
  Rows a = random_rows(4), b = random_rows(5), ga(N, D), gb(N, D);
  Col y = signs();
  run(s, [&] { return nn::cosine_embedding_loss(a, b, y, {}, nn::grad<"input1"> = ga, nn::grad<"input2"> = gb); });
}
void cosine_naive(benchmark::State& s) {
  Rows a = random_rows(4), b = random_rows(5), ga(N, D), gb(N, D);
  Col y = signs();
  const T eps = 1e-12f, margin = 0;
  run(s, [&] {
    Col prod = (a * b).rowwise().sum(), m1 = a.square().rowwise().sum() + eps, m2 = b.square().rowwise().sum() + eps;
    Col den = (m1 * m2).sqrt(), cos = prod / den;
    Col loss = (y == 1).select(1 - cos, (y == -1).select((cos - margin).max(0), 0));
    Col g = (y == 1).select(Col::Constant(N, -1), (y == -1 && cos - margin >= 0).select(Col::Constant(N, 1), 0)) / T(N);
    ga = (b.colwise() / den - a.colwise() * (cos / m1)).colwise() * g;
    gb = (a.colwise() / den - b.colwise() * (cos / m2)).colwise() * g;
    return loss.mean();
  });
}

// ---------------------------------------------------------------- cross entropy / nll (class indices)
void cross_entropy_fused(benchmark::State& s) {
  Rows x = random_rows(6, -4, 4), g(N, D);
  Labels y = random_labels(7);
  run(s, [&] { return nn::cross_entropy(x, y, {}, nn::grad<"input"> = g); });
}
void cross_entropy_naive(benchmark::State& s) {
  Rows x = random_rows(6, -4, 4), g(N, D);
  Labels y = random_labels(7);
  run(s, [&] {
    Col m = x.rowwise().maxCoeff();
    Rows e = (x.colwise() - m).exp();
    Col sum = e.rowwise().sum(), lse = m + sum.log();
    Rows h = onehot(y);
    T loss = (lse - (x * h).rowwise().sum()).mean();
    g = (e.colwise() / sum - h) / T(N);
    return loss;
  });
}
void nll_fused(benchmark::State& s) {
  Rows x = random_rows(8, -4, 0), g(N, D);
  Labels y = random_labels(9);
  run(s, [&] { return nn::nll_loss(x, y, {}, nn::grad<"input"> = g); });
}
void nll_naive(benchmark::State& s) {
  Rows x = random_rows(8, -4, 0), g(N, D);
  Labels y = random_labels(9);
  run(s, [&] {
    Rows h = onehot(y);
    T loss = -(x * h).rowwise().sum().mean();
    g = -h / T(N);
    return loss;
  });
}

// ---------------------------------------------------------------- multi margin (p = 1)
void multi_margin_fused(benchmark::State& s) {
  Rows x = random_rows(10), g(N, D);
  Labels y = random_labels(11);
  run(s, [&] { return nn::multi_margin_loss(x, y, {}, nn::grad<"input"> = g); });
}
void multi_margin_naive(benchmark::State& s) {
  Rows x = random_rows(10), g(N, D);
  Labels y = random_labels(11);
  run(s, [&] {
    Rows h = onehot(y);
    Col score = (x * h).rowwise().sum();
    Rows z = (x.colwise() - score) + 1;
    Rows active = (z > 0 && h == 0).cast<T>();
    T loss = (active * z).sum() / T(D) / T(N);
    g = (active - h.colwise() * active.rowwise().sum()) / T(D) / T(N);
    return loss;
  });
}

// ---------------------------------------------------------------- multilabel soft margin
void multilabel_soft_margin_fused(benchmark::State& s) {
  Rows x = random_rows(12, -4, 4), t = random_rows(13, 0, 1), g(N, D), gt(N, D);
  run(s, [&] { return nn::multilabel_soft_margin_loss(x, t, {}, nn::grad<"input"> = g, nn::grad<"target"> = gt); });
}
void multilabel_soft_margin_naive(benchmark::State& s) {
  Rows x = random_rows(12, -4, 4), t = random_rows(13, 0, 1), g(N, D), gt(N, D);
  run(s, [&] {
    Rows e = (-x.abs()).exp();
    Rows log_sig = x.min(0) - e.log1p(), log_sig_neg = (-x).min(0) - e.log1p();
    T loss = -(t * log_sig + (1 - t) * log_sig_neg).sum() / T(D) / T(N);
    Rows sig = (x >= 0).select(1 / (1 + e), e / (1 + e));
    g = (sig - t) / T(D) / T(N);
    gt = -(log_sig - log_sig_neg) / T(D) / T(N);
    return loss;
  });
}

// ---------------------------------------------------------------- multilabel margin (3 targets per row)
Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> target_lists() {
  Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> y(N, D);
  y.setConstant(-1);
  for (long i = 0; i < N; ++i)
    for (long k = 0; k < 3; ++k) y(i, k) = static_cast<std::int64_t>(xloss_bench::mix(14 + k, std::uint64_t(i)) % D);
  return y;
}
void multilabel_margin_fused(benchmark::State& s) {
  Rows x = random_rows(15), g(N, D);
  auto y = target_lists();
  run(s, [&] { return nn::multilabel_margin_loss(x, y, {}, nn::grad<"input"> = g); });
}
void multilabel_margin_naive(benchmark::State& s) {
  Rows x = random_rows(15), g(N, D);
  auto y = target_lists();
  run(s, [&] {
    Rows is_target = Rows::Zero(N, D);
    for (long i = 0; i < N; ++i)
      for (long k = 0; k < D && y(i, k) >= 0; ++k) is_target(i, y(i, k)) = 1;
    T loss = 0;
    g.setZero();
    for (long k = 0; k < 3; ++k) {  // one target slot at a time, whole batch
      Col score(N);
      for (long i = 0; i < N; ++i) score(i) = x(i, y(i, k));
      Rows z = (x.colwise() - score) + 1;
      Rows active = (z > 0 && is_target == 0).cast<T>();
      loss += (active * z).sum();
      g += active;
      Col count = active.rowwise().sum();
      for (long i = 0; i < N; ++i) g(i, y(i, k)) -= count(i);
    }
    g /= T(D) * T(N);
    return loss / T(D) / T(N);
  });
}

}  // namespace

BENCHMARK(triplet_fused)->Unit(benchmark::kMillisecond);
BENCHMARK(triplet_naive)->Unit(benchmark::kMillisecond);
BENCHMARK(cosine_fused)->Unit(benchmark::kMillisecond);
BENCHMARK(cosine_naive)->Unit(benchmark::kMillisecond);
BENCHMARK(cross_entropy_fused)->Unit(benchmark::kMillisecond);
BENCHMARK(cross_entropy_naive)->Unit(benchmark::kMillisecond);
BENCHMARK(nll_fused)->Unit(benchmark::kMillisecond);
BENCHMARK(nll_naive)->Unit(benchmark::kMillisecond);
BENCHMARK(multi_margin_fused)->Unit(benchmark::kMillisecond);
BENCHMARK(multi_margin_naive)->Unit(benchmark::kMillisecond);
BENCHMARK(multilabel_soft_margin_fused)->Unit(benchmark::kMillisecond);
BENCHMARK(multilabel_soft_margin_naive)->Unit(benchmark::kMillisecond);
BENCHMARK(multilabel_margin_fused)->Unit(benchmark::kMillisecond);
BENCHMARK(multilabel_margin_naive)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
