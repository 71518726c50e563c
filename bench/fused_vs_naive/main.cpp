// Fused kernel vs its baselines: BCE-with-logits and TripletMargin (loss value
// + input gradients, reduction 'mean'), float and double, N = 1e3 ... 1e7,
// against the naive Eigen port, the hand-written packet loop and the
// memory-bandwidth floor. README.md in this folder explains every variant and
// counter; report.py turns --benchmark_format=json output into a table.
// Eigen comes in through common/eigen.hpp (see there), before any other
// header that includes it.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <benchmark/benchmark.h>

#include "baselines/bce_with_logits.hpp"
#include "baselines/triplet.hpp"
#include "common/agreement.hpp"
#include "common/bandwidth.hpp"
#include "common/counters.hpp"
#include "common/data.hpp"
#include "common/eigen.hpp"

#include <xloss/xloss.hpp>

namespace {

namespace bl = xloss_bench::baselines;
using Eigen::Index;
using xloss_bench::case_size;
using xloss_bench::uniform;

// Problem sizes in elements. BCE: N samples. Triplet: N / 128 rows of D = 128,
// so every loss sees about N elements ("1e3" is 7 rows = 896 elements).
constexpr std::array<long, 4> sizes = {1'000, 100'000, 1'000'000, 10'000'000};
constexpr Index triplet_dim = 128;

template <class T>
using bce_fn = T (*)(const Eigen::Ref<const bl::Vec<T>>& x, const Eigen::Ref<const bl::Vec<T>>& y,
                     Eigen::Ref<bl::Vec<T>> dx);

template <class T>
using triplet_fn = T (*)(const Eigen::Ref<const bl::Rows<T>>& a,
                         const Eigen::Ref<const bl::Rows<T>>& p,
                         const Eigen::Ref<const bl::Rows<T>>& n, Eigen::Ref<bl::Rows<T>> ga,
                         Eigen::Ref<bl::Rows<T>> gp, Eigen::Ref<bl::Rows<T>> gn, T margin, T eps);

template <class Fn>
struct variant {
  std::string name;
  Fn fn;
};

// xloss's fused kernel: the two losses written in the DSL.
namespace fused {
using namespace xloss::literals;
constexpr auto x = xloss::scalar<"x">;
constexpr auto y = xloss::scalar<"y">;
constexpr auto bce = xloss::softplus(x) - y * x;

constexpr auto a = xloss::row<"a">;
constexpr auto p = xloss::row<"p">;
constexpr auto n = xloss::row<"n">;
constexpr auto margin = xloss::param<"margin">;
constexpr auto eps = xloss::param<"eps">;
constexpr auto triplet = xloss::clamp_min(xloss::norm2(a - p + eps) - xloss::norm2(a - n + eps) + margin, 0_c);

template <class T, int Threads>
T bce_with_logits(const Eigen::Ref<const bl::Vec<T>>& X, const Eigen::Ref<const bl::Vec<T>>& Y, Eigen::Ref<bl::Vec<T>> dx) {
  return xloss::evaluate(bce, xloss::reduction::mean, x = X, y = Y, xloss::grad(x) = dx, xloss::threads(Threads));
}
template <class T, int Threads>
T triplet_margin(const Eigen::Ref<const bl::Rows<T>>& A, const Eigen::Ref<const bl::Rows<T>>& P,
                 const Eigen::Ref<const bl::Rows<T>>& N, Eigen::Ref<bl::Rows<T>> ga, Eigen::Ref<bl::Rows<T>> gp,
                 Eigen::Ref<bl::Rows<T>> gn, T m, T e) {
  return xloss::evaluate(triplet, xloss::reduction::mean, a = A, p = P, n = N, margin = m, eps = e,
                         xloss::grad(a) = ga, xloss::grad(p) = gp, xloss::grad(n) = gn, xloss::threads(Threads));
}
}  // namespace fused

// ============================ variants under test ============================
// The first row of each table is the reference: every other row is checked
// against it (loss and all gradients) before it is timed.
//
// FUSED SLOT -- to add xloss's fused kernel, add one row to each table, e.g.
//   {"fused", [](const auto& x, const auto& y, auto dx) { return <fused call>; }},
//   {"fused", [](const auto& a, const auto& p, const auto& n, auto ga, auto gp,
//                auto gn, auto margin, auto eps) { return <fused call>; }},
// A captureless generic lambda converts to the table's function-pointer type;
// the arguments are Eigen::Ref views of the case's preallocated buffers.
// report.py picks new variant names up by itself.
template <class T>
std::vector<variant<bce_fn<T>>> bce_variants() {
  return {
      {"naive", &bl::bce_with_logits::naive<T>},
      {"handwritten", &bl::bce_with_logits::handwritten<T>},
      {"fused", &fused::bce_with_logits<T, 1>},
      {"fused_2threads", &fused::bce_with_logits<T, 2>},
  };
}

template <class T>
std::vector<variant<triplet_fn<T>>> triplet_variants() {
  return {
      {"naive", &bl::triplet::naive<T>},
      {"handwritten", &bl::triplet::handwritten<T>},
      {"fused", &fused::triplet_margin<T, 1>},
      {"fused_2threads", &fused::triplet_margin<T, 2>},
  };
}
// ============================================================================

// One BCE case: inputs x ~ U(-8, 8), soft targets y ~ U(0, 1), the gradient.
template <class T>
struct bce_case {
  using Scalar = T;
  using Fn = bce_fn<T>;
  static constexpr std::string_view name = "bce";

  // Reads x and y, writes dx (counted twice: write-allocate).
  static case_size size_for(long nominal) {
    const double n = double(nominal);
    const double s = sizeof(T);
    return {n, (2 + 2) * s * n, std::size_t(3 * s * n)};
  }

  explicit bce_case(long nominal) : x(nominal), y(nominal), dx(bl::Vec<T>::Zero(nominal)) {
    for (Index i = 0; i < nominal; ++i) {
      x[i] = T(uniform(1, i, -8, 8));
      y[i] = T(uniform(2, i, 0, 1));
    }
  }

  T run(Fn fn) { return fn(x, y, dx); }

  void check(Fn ref, Fn fn, const std::string& what) {
    const T ref_loss = run(ref);
    const bl::Vec<T> ref_dx = dx;
    const T loss = run(fn);
    const double n = double(x.size());
    xloss_bench::require_close_loss(what, ref_loss, loss, n);
    xloss_bench::require_close_gradient(what + ": dL/dx", ref_dx, dx, 1.0 / n);
  }

  bl::Vec<T> x, y, dx;
};

// One triplet case: anchors a ~ U(-1, 1)^D, positives a + U(-0.2, 0.2)^D,
// negatives a + U(-0.35, 0.35)^D, which puts z = d(a,p) - d(a,n) + 1 around 0
// (about half the rows active). Rows within 1e-3 of the kink z = 0 are redrawn:
// there float rounding could legitimately put two implementations on
// different sides, and the agreement check should stay strict elsewhere.
template <class T>
struct triplet_case {
  using Scalar = T;
  using Fn = triplet_fn<T>;
  static constexpr std::string_view name = "triplet";
  static constexpr T margin = T(1);
  static constexpr T eps = T(1e-6);

  static Index rows_for(long nominal) { return std::max<Index>(1, nominal / triplet_dim); }

  // Reads a, p, n, writes ga, gp, gn (counted twice: write-allocate).
  static case_size size_for(long nominal) {
    const double e = double(rows_for(nominal) * triplet_dim);
    const double s = sizeof(T);
    return {e, (3 + 2 * 3) * s * e, std::size_t(6 * s * e)};
  }

  explicit triplet_case(long nominal)
      : a(rows_for(nominal), triplet_dim), p(a.rows(), triplet_dim), n(a.rows(), triplet_dim),
        ga(bl::Rows<T>::Zero(a.rows(), triplet_dim)), gp(ga), gn(ga) {
    for (Index r = 0; r < a.rows(); ++r) fill_row(r);
  }

  T run(Fn fn) { return fn(a, p, n, ga, gp, gn, margin, eps); }

  void check(Fn ref, Fn fn, const std::string& what) {
    const T ref_loss = run(ref);
    const bl::Rows<T> ref_ga = ga, ref_gp = gp, ref_gn = gn;
    const T loss = run(fn);
    const double rows = double(a.rows());
    xloss_bench::require_close_loss(what, ref_loss, loss, rows * triplet_dim);
    xloss_bench::require_close_gradient(what + ": dL/da", ref_ga, ga, 1.0 / rows);
    xloss_bench::require_close_gradient(what + ": dL/dp", ref_gp, gp, 1.0 / rows);
    xloss_bench::require_close_gradient(what + ": dL/dn", ref_gn, gn, 1.0 / rows);
  }

  bl::Rows<T> a, p, n, ga, gp, gn;

 private:
  void fill_row(Index r) {
    for (Index j = 0; j < triplet_dim; ++j) {
      const auto i = std::uint64_t(r * triplet_dim + j);
      a(r, j) = T(uniform(3, i, -1, 1));
      p(r, j) = a(r, j) + T(uniform(4, i, -0.2, 0.2));
    }
    for (std::uint64_t draw = 0;; ++draw) {
      for (Index j = 0; j < triplet_dim; ++j) {
        const auto i = std::uint64_t(r * triplet_dim + j);
        n(r, j) = a(r, j) + T(uniform(5 + draw, i, -0.35, 0.35));
      }
      if (std::abs(z_in_double(r)) >= 1e-3) return;
    }
  }

  double z_in_double(Index r) const {
    double su = 0;
    double sv = 0;
    for (Index j = 0; j < triplet_dim; ++j) {
      const double u = double(a(r, j)) - double(p(r, j)) + double(eps);
      const double v = double(a(r, j)) - double(n(r, j)) + double(eps);
      su += u * u;
      sv += v * v;
    }
    return std::sqrt(su) - std::sqrt(sv) + double(margin);
  }
};

// The case of the running benchmark, kept while consecutive benchmarks share
// (loss, type, N): generating and first-touching 10^7-element inputs (a fresh
// page costs ~12 us per 4 KiB on these VMs) then happens once, untimed.
template <class Case>
Case& case_for(long nominal) {
  static std::unique_ptr<Case> held;
  static long held_nominal = -1;
  if (held_nominal != nominal) {
    held.reset();  // free the previous case before allocating the next
    held = std::make_unique<Case>(nominal);
    held_nominal = nominal;
  }
  return *held;
}

// Triad arrays for the floor rows, kept the same way.
template <class T>
xloss_bench::triad_arrays<T>& triad_for(Index m) {
  static std::unique_ptr<xloss_bench::triad_arrays<T>> held;
  if (!held || held->a.size() != m) {
    held.reset();
    held = std::make_unique<xloss_bench::triad_arrays<T>>(m);
  }
  return *held;
}

template <class Case>
void bench_variant(benchmark::State& state, long nominal, typename Case::Fn ref,
                   typename Case::Fn fn, const std::string& name) {
  Case& c = case_for<Case>(nominal);
  static std::set<std::string> checked;
  if (fn != ref && checked.insert(name).second) c.check(ref, fn, name);
  benchmark::DoNotOptimize(c.run(fn));  // untimed warm-up: caches, allocator
  const long faults = xloss_bench::minor_faults();
  for (auto _ : state) {
    benchmark::DoNotOptimize(c.run(fn));
    benchmark::ClobberMemory();
  }
  xloss_bench::set_counters(state, Case::size_for(nominal), faults);
}

// The floor row: a triad moving as many bytes as the case (BCE: exactly the
// case's own pattern, 2 reads + 1 write of N; triplet: 9/4 * N*D elements, whose
// working set is 12 % larger than the case's).
template <class Case>
void bench_floor(benchmark::State& state, long nominal) {
  using T = typename Case::Scalar;
  const case_size size = Case::size_for(nominal);
  auto& arrays = triad_for<T>(Index(std::ceil(size.bytes_moved / xloss_bench::triad_bytes_per_element<T>)));
  T s = T(3);
  arrays.run(s);
  const long faults = xloss_bench::minor_faults();
  for (auto _ : state) {
    benchmark::DoNotOptimize(s);
    arrays.run(s);
    benchmark::ClobberMemory();
  }
  xloss_bench::set_counters(state, size, faults);
}

template <class Case>
void register_loss(const std::string& type, const std::vector<variant<typename Case::Fn>>& variants) {
  const auto prefix = std::string(Case::name) + "/" + type + "/";
  const auto ref = variants.front().fn;
  for (const long n : sizes) {
    for (const auto& v : variants) {
      const auto name = prefix + v.name + "/" + std::to_string(n);
      auto* b = benchmark::RegisterBenchmark(name.c_str(), [n, ref, fn = v.fn, name](benchmark::State& st) {
        bench_variant<Case>(st, n, ref, fn, name);
      });
      b->Unit(benchmark::kMicrosecond);
      // The calling thread's CPU time says nothing about work done by other
      // threads: multi-threaded variants are timed by the wall clock.
      if (v.name.find("threads") != std::string::npos) b->UseRealTime();
    }
    benchmark::RegisterBenchmark((prefix + "floor/" + std::to_string(n)).c_str(),
                                 [n](benchmark::State& st) { bench_floor<Case>(st, n); })
        ->Unit(benchmark::kMicrosecond);
  }
}

}  // namespace

int main(int argc, char** argv) {
  // Google Benchmark's default 0.5 s per benchmark would make a full run take
  // several minutes; 0.1 s is plenty for these sizes. An explicit
  // --benchmark_min_time on the command line still wins.
  std::vector<char*> args(argv, argv + argc);
  const bool has_min_time = std::any_of(args.begin() + 1, args.end(), [](const char* a) {
    return std::string_view(a).starts_with("--benchmark_min_time");
  });
  char default_min_time[] = "--benchmark_min_time=0.1";
  if (!has_min_time) args.insert(args.begin() + 1, default_min_time);
  int count = int(args.size());
  benchmark::Initialize(&count, args.data());
  if (benchmark::ReportUnrecognizedArguments(count, args.data())) return 1;

  register_loss<bce_case<float>>("float", bce_variants<float>());
  register_loss<bce_case<double>>("double", bce_variants<double>());
  register_loss<triplet_case<float>>("float", triplet_variants<float>());
  register_loss<triplet_case<double>>("double", triplet_variants<double>());

  benchmark::AddCustomContext("triad_GBps_64MiB",
                              std::to_string(xloss_bench::triad_bandwidth(64u << 20) * 1e-9));
  benchmark::AddCustomContext("triplet_D", std::to_string(triplet_dim));
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
