// The benchmark report, elementwise part: the 10 elementwise losses of
// dsl/xloss/nn (value + every input gradient, reduction 'mean'), float and
// double, N = 1e3 ... 1e7, each against
//   fused               xloss::nn::<loss>, 1 thread
//   fused_threads       the same on all hardware threads (wall clock)
//   naive               the Eigen port with temporaries and a separate backward
//   handwritten         one Eigen-packet loop per loss (the bar to match)
//   torch[_threads]     libtorch eager forward + backward, 1 / all threads
//   torch_keep[_threads] the same with freed memory kept in the process
//   floor               a triad moving the case's bytes (bandwidth floor)
// Benchmark names are <loss>/<type>/<variant>/<N>; report.py reads the JSON.
// Every variant is checked against the fused kernel (loss and all gradients)
// before it is timed; a disagreement aborts the run.
//
// XLOSS_BENCH_MAX_N=<n> in the environment drops the sizes above n (the CI
// smoke pass uses it to stay within seconds).
#include "common/eigen.hpp"  // first: see there

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <malloc.h>

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

#include "common/agreement.hpp"
#include "common/bandwidth.hpp"
#include "common/counters.hpp"
#include "common/data.hpp"
#include "common/report.hpp"
#include "handwritten.hpp"
#include "naive.hpp"
#ifdef XLOSS_BENCH_HAVE_TORCH
#include "torch_peer.hpp"
#endif

namespace {

namespace nn = xloss::nn;
namespace hw = xloss_bench::report::handwritten;
namespace nv = xloss_bench::report::naive;
using Eigen::Index;
template <class T>
using Vec = xloss_bench::baselines::Vec<T>;

constexpr std::array<long, 4> sizes = {1'000, 100'000, 1'000'000, 10'000'000};
const int hardware_threads = int(std::max(1u, std::thread::hardware_concurrency()));

// The inputs a loss reads: reals in [-4, 4) (two independent streams),
// probabilities in [0.01, 0.99), targets in [0, 1), and signs ±1.
enum class data { real, real2, prob, unit, sign };

template <class T>
Vec<T> generate(data kind, Index n) {
  Vec<T> v(n);
  for (Index i = 0; i < n; ++i) {
    const auto k = std::uint64_t(i);
    switch (kind) {
      case data::real: v[i] = T(xloss_bench::uniform(1, k, -4, 4)); break;
      case data::real2: v[i] = T(xloss_bench::uniform(2, k, -4, 4)); break;
      case data::prob: v[i] = T(xloss_bench::uniform(3, k, 0.01, 0.99)); break;
      case data::unit: v[i] = T(xloss_bench::uniform(4, k, 0, 1)); break;
      case data::sign: v[i] = xloss_bench::uniform(5, k, -1, 1) < 0 ? T(-1) : T(1); break;
    }
  }
  return v;
}

// One (loss, type, N): inputs, gradient buffers, and the fused kernel's
// answer that every variant must reproduce.
template <class T>
struct problem {
  std::vector<Vec<T>> in, grad, ref_grad;
  T ref_loss = 0;
#ifdef XLOSS_BENCH_HAVE_TORCH
  std::shared_ptr<xloss_bench::report::torch_peer::problem> torch;
#endif
  Index n() const { return in.front().size(); }
};

template <class T>
Eigen::Map<Eigen::Matrix<T, Eigen::Dynamic, 1>> out(Vec<T>& a) {
  return {a.data(), a.size()};
}

// A loss: its inputs, how many of them (the leading ones) are differentiated,
// and its fused, naive and hand-written implementations.
template <class T>
struct loss_spec {
  std::string name;
  std::vector<data> inputs;
  int grads;
  T (*fused)(problem<T>&, int threads);
  T (*naive)(problem<T>&);
  T (*handwritten)(problem<T>&);
};

// Options where the loss has them: huber delta 1, smooth_l1 beta 0.5, hinge
// margin 1, ranking margin 0.5 (torch_peer.cpp uses the same).
template <class T>
std::vector<loss_spec<T>> losses() {
  using P = problem<T>;
  return {
      {"l1_loss", {data::real, data::real2}, 2,
       [](P& p, int t) { return nn::l1_loss(p.in[0].matrix(), p.in[1].matrix(), {}, nn::grad<"input"> = out(p.grad[0]), nn::grad<"target"> = out(p.grad[1]), xloss::threads(t)); },
       [](P& p) { return nv::l1_loss<T>(p.in[0], p.in[1], p.grad[0], p.grad[1]); },
       [](P& p) { return hw::l1_loss<T>(p.in[0].data(), p.in[1].data(), p.grad[0].data(), p.grad[1].data(), p.n()); }},
      {"mse_loss", {data::real, data::real2}, 2,
       [](P& p, int t) { return nn::mse_loss(p.in[0].matrix(), p.in[1].matrix(), {}, nn::grad<"input"> = out(p.grad[0]), nn::grad<"target"> = out(p.grad[1]), xloss::threads(t)); },
       [](P& p) { return nv::mse_loss<T>(p.in[0], p.in[1], p.grad[0], p.grad[1]); },
       [](P& p) { return hw::mse_loss<T>(p.in[0].data(), p.in[1].data(), p.grad[0].data(), p.grad[1].data(), p.n()); }},
      {"huber_loss", {data::real, data::real2}, 2,
       [](P& p, int t) { return nn::huber_loss(p.in[0].matrix(), p.in[1].matrix(), {.delta = T(1)}, nn::grad<"input"> = out(p.grad[0]), nn::grad<"target"> = out(p.grad[1]), xloss::threads(t)); },
       [](P& p) { return nv::huber_loss<T>(p.in[0], p.in[1], p.grad[0], p.grad[1], T(1)); },
       [](P& p) { return hw::huber_loss<T>(p.in[0].data(), p.in[1].data(), p.grad[0].data(), p.grad[1].data(), p.n(), T(1)); }},
      {"smooth_l1_loss", {data::real, data::real2}, 2,
       [](P& p, int t) { return nn::smooth_l1_loss(p.in[0].matrix(), p.in[1].matrix(), {.beta = T(0.5)}, nn::grad<"input"> = out(p.grad[0]), nn::grad<"target"> = out(p.grad[1]), xloss::threads(t)); },
       [](P& p) { return nv::smooth_l1_loss<T>(p.in[0], p.in[1], p.grad[0], p.grad[1], T(0.5)); },
       [](P& p) { return hw::smooth_l1_loss<T>(p.in[0].data(), p.in[1].data(), p.grad[0].data(), p.grad[1].data(), p.n(), T(0.5)); }},
      {"soft_margin_loss", {data::real, data::sign}, 1,
       [](P& p, int t) { return nn::soft_margin_loss(p.in[0].matrix(), p.in[1].matrix(), {}, nn::grad<"input"> = out(p.grad[0]), xloss::threads(t)); },
       [](P& p) { return nv::soft_margin_loss<T>(p.in[0], p.in[1], p.grad[0]); },
       [](P& p) { return hw::soft_margin_loss<T>(p.in[0].data(), p.in[1].data(), p.grad[0].data(), p.n()); }},
      {"hinge_embedding_loss", {data::real, data::sign}, 1,
       [](P& p, int t) { return nn::hinge_embedding_loss(p.in[0].matrix(), p.in[1].matrix(), {.margin = T(1)}, nn::grad<"input"> = out(p.grad[0]), xloss::threads(t)); },
       [](P& p) { return nv::hinge_embedding_loss<T>(p.in[0], p.in[1], p.grad[0], T(1)); },
       [](P& p) { return hw::hinge_embedding_loss<T>(p.in[0].data(), p.in[1].data(), p.grad[0].data(), p.n(), T(1)); }},
      {"margin_ranking_loss", {data::real, data::real2, data::sign}, 3,
       [](P& p, int t) { return nn::margin_ranking_loss(p.in[0].matrix(), p.in[1].matrix(), p.in[2].matrix(), {.margin = T(0.5)}, nn::grad<"input1"> = out(p.grad[0]), nn::grad<"input2"> = out(p.grad[1]), nn::grad<"target"> = out(p.grad[2]), xloss::threads(t)); },
       [](P& p) { return nv::margin_ranking_loss<T>(p.in[0], p.in[1], p.in[2], p.grad[0], p.grad[1], p.grad[2], T(0.5)); },
       [](P& p) { return hw::margin_ranking_loss<T>(p.in[0].data(), p.in[1].data(), p.in[2].data(), p.grad[0].data(), p.grad[1].data(), p.grad[2].data(), p.n(), T(0.5)); }},
      {"kl_div", {data::real, data::unit}, 2,
       [](P& p, int t) { return nn::kl_div(p.in[0].matrix(), p.in[1].matrix(), {}, nn::grad<"input"> = out(p.grad[0]), nn::grad<"target"> = out(p.grad[1]), xloss::threads(t)); },
       [](P& p) { return nv::kl_div<T>(p.in[0], p.in[1], p.grad[0], p.grad[1]); },
       [](P& p) { return hw::kl_div<T>(p.in[0].data(), p.in[1].data(), p.grad[0].data(), p.grad[1].data(), p.n()); }},
      {"binary_cross_entropy", {data::prob, data::unit}, 2,
       [](P& p, int t) { return nn::binary_cross_entropy(p.in[0].matrix(), p.in[1].matrix(), {}, nn::grad<"input"> = out(p.grad[0]), nn::grad<"target"> = out(p.grad[1]), xloss::threads(t)); },
       [](P& p) { return nv::binary_cross_entropy<T>(p.in[0], p.in[1], p.grad[0], p.grad[1]); },
       [](P& p) { return hw::binary_cross_entropy<T>(p.in[0].data(), p.in[1].data(), p.grad[0].data(), p.grad[1].data(), p.n()); }},
      {"binary_cross_entropy_with_logits", {data::real, data::unit}, 2,
       [](P& p, int t) { return nn::binary_cross_entropy_with_logits(p.in[0].matrix(), p.in[1].matrix(), {}, nn::grad<"input"> = out(p.grad[0]), nn::grad<"target"> = out(p.grad[1]), xloss::threads(t)); },
       [](P& p) { return nv::binary_cross_entropy_with_logits<T>(p.in[0], p.in[1], p.grad[0], p.grad[1]); },
       [](P& p) { return hw::binary_cross_entropy_with_logits<T>(p.in[0].data(), p.in[1].data(), p.grad[0].data(), p.grad[1].data(), p.n()); }},
  };
}

// Reads every input once and writes every gradient (counted twice:
// write-allocate); the working set is inputs + gradients.
template <class T>
xloss_bench::case_size size_of(const loss_spec<T>& spec, long n) {
  const double in = double(spec.inputs.size());
  const double g = spec.grads;
  const double bytes = sizeof(T) * double(n);
  return {double(n), (in + 2 * g) * bytes, std::size_t((in + g) * bytes)};
}

// The problem of the running benchmark, kept while consecutive benchmarks
// share (loss, type, N): generating 1e7-element inputs and first-touching
// their pages then happens once per case, untimed. Only one is alive at a time.
template <class T>
problem<T>& problem_for(const loss_spec<T>& spec, long n) {
  static std::shared_ptr<void> held;
  static std::string held_key;
  const std::string key = spec.name + "/" + std::to_string(sizeof(T)) + "/" + std::to_string(n);
  if (key != held_key) {
    held.reset();  // free the previous case before allocating the next
    auto p = std::make_shared<problem<T>>();
    for (const data kind : spec.inputs) p->in.push_back(generate<T>(kind, n));
    p->grad.assign(std::size_t(spec.grads), Vec<T>::Zero(n));
    p->ref_loss = spec.fused(*p, 1);
    p->ref_grad = p->grad;
    held = p;
    held_key = key;
  }
  return *std::static_pointer_cast<problem<T>>(held);
}

// How a variant runs, and what it needs first.
template <class T>
struct variant {
  std::string name;
  std::function<T(problem<T>&)> run;
  std::function<void(problem<T>&)> setup{};            // optional
  std::function<void(problem<T>&)> fetch_gradients{};  // optional (torch: copy out of its tensors)
  bool multithreaded = false;
};

// The loss and every gradient of a variant's run must match the fused kernel's.
template <class T>
void check(const loss_spec<T>& spec, problem<T>& p, const variant<T>& v, const std::string& what) {
  for (auto& g : p.grad) g.setConstant(T(-12345));  // a variant must write every entry
  const T loss = v.run(p);
  if (v.fetch_gradients) v.fetch_gradients(p);
  const double n = double(p.n());
  xloss_bench::require_close_loss(what, p.ref_loss, loss, n);
  for (int k = 0; k < spec.grads; ++k) {
    const auto& ref = p.ref_grad[std::size_t(k)];
    // Gradient entries are bounded by their largest (BCE: up to 100/N).
    const double scale = std::max(double(ref.abs().maxCoeff()), 1.0 / n);
    xloss_bench::require_close_gradient(what + ": gradient " + std::to_string(k), ref, p.grad[std::size_t(k)], scale);
  }
}

#ifdef XLOSS_BENCH_HAVE_TORCH
namespace tp = xloss_bench::report::torch_peer;

// libtorch allocates its outputs and autograd buffers per call; with glibc's
// defaults, freed blocks above the mmap threshold go back to the kernel and
// the next call faults fresh pages in. M_MMAP_MAX = 0 keeps every allocation
// on the heap and M_TRIM_THRESHOLD = huge never returns its top, so freed
// memory stays in the process. (M_MMAP_THRESHOLD alone cannot: glibc caps it
// at 32 MiB, below a 1e7-double tensor.) It cannot be undone cleanly, so the
// keep variants are registered after every other benchmark.
void keep_freed_memory() {
  static const bool done = [] {
    mallopt(M_MMAP_MAX, 0);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    return true;
  }();
  (void)done;
}

template <class T>
void add_torch(std::vector<variant<T>>& vs, const loss_spec<T>& spec, bool keep) {
  for (const bool threaded : {false, true}) {
    variant<T> v;
    v.name = std::string(keep ? "torch_keep" : "torch") + (threaded ? "_threads" : "");
    v.run = [](problem<T>& p) { return T(tp::run(*p.torch)); };
    v.setup = [spec, keep, threaded](problem<T>& p) {
      if (keep) keep_freed_memory();
      tp::set_threads(threaded ? hardware_threads : 1);
      if (!p.torch) {
        std::vector<const void*> in;
        for (const auto& x : p.in) in.push_back(x.data());
        p.torch = tp::make(spec.name, sizeof(T) == sizeof(double), long(p.n()), in, spec.grads);
      }
    };
    v.fetch_gradients = [](problem<T>& p) {
      for (std::size_t k = 0; k < p.grad.size(); ++k) tp::gradient(*p.torch, int(k), p.grad[k].data());
    };
    v.multithreaded = threaded;
    vs.push_back(v);
  }
}
#endif

template <class T>
std::vector<variant<T>> variants(const loss_spec<T>& spec) {
  std::vector<variant<T>> vs = {
      {"fused", [f = spec.fused](problem<T>& p) { return f(p, 1); }},
      {"fused_threads", [f = spec.fused](problem<T>& p) { return f(p, hardware_threads); }},
      {"naive", spec.naive},
      {"handwritten", spec.handwritten},
  };
  vs[1].multithreaded = true;
#ifdef XLOSS_BENCH_HAVE_TORCH
  add_torch(vs, spec, false);
#endif
  return vs;
}

template <class T>
void bench_variant(benchmark::State& state, const loss_spec<T>& spec, long n, const variant<T>& v,
                   const std::string& name) {
  problem<T>& p = problem_for(spec, n);
  if (v.setup) v.setup(p);
  // Untimed warm-up (caches, allocator), the first time with the check.
  static std::set<std::string> checked;
  if (checked.insert(name).second) check(spec, p, v, name);
  else benchmark::DoNotOptimize(v.run(p));
  const long faults = xloss_bench::minor_faults();
  for (auto _ : state) {
    benchmark::DoNotOptimize(v.run(p));
    benchmark::ClobberMemory();
  }
  xloss_bench::set_counters(state, size_of(spec, n), faults);
}

void configure(benchmark::internal::Benchmark* b, bool multithreaded) {
  b->Unit(benchmark::kMicrosecond);
  // The calling thread's CPU time misses the work of the other threads.
  if (multithreaded) b->UseRealTime();
}

template <class T>
void register_variant(const loss_spec<T>& spec, const std::string& type, long n, const variant<T>& v) {
  const auto name = spec.name + "/" + type + "/" + v.name + "/" + std::to_string(n);
  configure(benchmark::RegisterBenchmark(name.c_str(), [spec, n, v, name](benchmark::State& st) {
              bench_variant<T>(st, spec, n, v, name);
            }),
            v.multithreaded);
}

template <class T>
void register_loss(const loss_spec<T>& spec, const std::string& type, const std::vector<long>& ns) {
  for (const long n : ns) {
    for (const auto& v : variants(spec)) register_variant(spec, type, n, v);
    const auto size = size_of(spec, n);
    configure(benchmark::RegisterBenchmark((spec.name + "/" + type + "/floor/" + std::to_string(n)).c_str(),
                                           [size](benchmark::State& st) { xloss_bench::bench_floor<T>(st, size); }),
              false);
  }
}

#ifdef XLOSS_BENCH_HAVE_TORCH
template <class T>
void register_torch_keep(const loss_spec<T>& spec, const std::string& type, const std::vector<long>& ns) {
  std::vector<variant<T>> vs;
  add_torch(vs, spec, true);
  for (const long n : ns)
    for (const auto& v : vs) register_variant(spec, type, n, v);
}
#endif

std::vector<long> chosen_sizes() {
  long max_n = sizes.back();
  if (const char* env = std::getenv("XLOSS_BENCH_MAX_N")) max_n = std::atol(env);
  std::vector<long> ns;
  for (const long n : sizes)
    if (n <= max_n) ns.push_back(n);
  return ns;
}

}  // namespace

int main(int argc, char** argv) {
  if (!xloss_bench::initialize_report(argc, argv)) return 1;

  const std::vector<long> ns = chosen_sizes();
  const auto float_losses = losses<float>();
  const auto double_losses = losses<double>();
  for (std::size_t k = 0; k < float_losses.size(); ++k) {
    register_loss(float_losses[k], "float", ns);
    register_loss(double_losses[k], "double", ns);
  }
#ifdef XLOSS_BENCH_HAVE_TORCH
  for (std::size_t k = 0; k < float_losses.size(); ++k) {
    register_torch_keep(float_losses[k], "float", ns);
    register_torch_keep(double_losses[k], "double", ns);
  }
  benchmark::AddCustomContext("torch", xloss_bench::report::torch_peer::version());
#else
  benchmark::AddCustomContext("torch", "not installed");
#endif
  benchmark::AddCustomContext("triad_GBps_64MiB", std::to_string(xloss_bench::triad_bandwidth(64u << 20) * 1e-9));
  benchmark::AddCustomContext("hardware_threads", std::to_string(hardware_threads));
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
