// ns/element of exp, log, log1p, expm1, tanh over 4096 in-cache values:
// xloss::simd (native-width packs) vs Eigen 3.4 packet functions (where
// Eigen vectorises the function for that type) vs a std:: loop.
// Names: <function>/<type>/<implementation>; counter s_per_elem (shown with
// an SI suffix: "1.5n" = 1.5 ns per element).
#include <benchmark/benchmark.h>

// Eigen's packet types are x86 vector types with attributes that GCC drops
// (harmlessly) when they are template arguments.
#pragma GCC diagnostic ignored "-Wignored-attributes"

#include <Eigen/Core>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "xloss/simd/math.hpp"
#include "xloss/simd/pack.hpp"

namespace {

namespace simd = xloss::simd;
namespace ei = Eigen::internal;
constexpr std::size_t n = 4096;

template <class T> std::vector<T> inputs(double lo, double hi) {
  std::mt19937 g(42);
  std::uniform_real_distribution<double> d(lo, hi);
  std::vector<T> x(n);
  for (T& v : x) v = static_cast<T>(d(g));
  return x;
}

// Runs body(x, y) (one pass over the array) and reports time per element.
template <class T, class Body> void run(benchmark::State& st, double lo, double hi, Body body) {
  const std::vector<T> x = inputs<T>(lo, hi);
  std::vector<T> y(n);
  for (auto _ : st) {
    body(x.data(), y.data());
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations() * n));
  st.counters["s_per_elem"] = benchmark::Counter(
      static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

template <class T, class F> void xloss_loop(benchmark::State& st, double lo, double hi, F f) {
  constexpr int W = simd::native_lanes<T>;
  run<T>(st, lo, hi, [&](const T* x, T* y) {
    for (std::size_t i = 0; i < n; i += W) simd::store(y + i, f(simd::load<W>(x + i)));
  });
}

template <class T, class F> void eigen_loop(benchmark::State& st, double lo, double hi, F f) {
  using P = typename ei::packet_traits<T>::type;
  constexpr int W = ei::packet_traits<T>::size;
  run<T>(st, lo, hi, [&](const T* x, T* y) {
    for (std::size_t i = 0; i < n; i += W) ei::pstoreu(y + i, f(ei::ploadu<P>(x + i)));
  });
}

template <class T, class F> void std_loop(benchmark::State& st, double lo, double hi, F f) {
  run<T>(st, lo, hi, [&](const T* x, T* y) {
    for (std::size_t i = 0; i < n; ++i) y[i] = f(x[i]);
  });
}

// One function for one type: xloss, Eigen (only if Eigen has a packet
// version for T; generic lambdas keep the others uninstantiated), std.
template <class T, bool eigen_has_it, class Ours, class Eigens, class Std>
void register_function(const std::string& name, double lo, double hi, Ours ours, Eigens eigens,
                       Std std_fn) {
  benchmark::RegisterBenchmark((name + "/xloss").c_str(), [=](benchmark::State& st) {
    xloss_loop<T>(st, lo, hi, ours);
  });
  if constexpr (eigen_has_it)
    benchmark::RegisterBenchmark((name + "/eigen").c_str(), [=](benchmark::State& st) {
      eigen_loop<T>(st, lo, hi, eigens);
    });
  benchmark::RegisterBenchmark((name + "/std").c_str(), [=](benchmark::State& st) {
    std_loop<T>(st, lo, hi, std_fn);
  });
}

#define XLOSS_BENCH(fn, T, has_flag, lo, hi)                                                  \
  register_function<T, static_cast<bool>(ei::packet_traits<T>::has_flag)>(                   \
      #fn "/" #T, lo, hi, [](auto v) { return simd::fn(v); },                                  \
      [](auto v) { return ei::p##fn(v); }, [](T v) { return std::fn(v); });

}  // namespace

int main(int argc, char** argv) {
  XLOSS_BENCH(exp, float, HasExp, -10, 10)
  XLOSS_BENCH(log, float, HasLog, 0.01, 100)
  XLOSS_BENCH(log1p, float, HasLog1p, -0.5, 10)
  XLOSS_BENCH(expm1, float, HasExpm1, -5, 5)
  XLOSS_BENCH(tanh, float, HasTanh, -5, 5)
  XLOSS_BENCH(exp, double, HasExp, -10, 10)
  XLOSS_BENCH(log, double, HasLog, 0.01, 100)
  XLOSS_BENCH(log1p, double, HasLog1p, -0.5, 10)
  XLOSS_BENCH(expm1, double, HasExpm1, -5, 5)
  XLOSS_BENCH(tanh, double, HasTanh, -5, 5)
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
}
