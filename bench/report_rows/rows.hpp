// Registration of the row-loss benchmarks: for each loss of losses/, type
// and size, the variants of variants.hpp. Every variant is checked against
// the fused kernel (loss and every gradient) before its first timing.
//
// A loss (losses/<name>.hpp) is a struct with
//   name                 PyTorch's functional name (the benchmark name's first part)
//   fill(c)              inputs for c.rows rows (default options: reduction 'mean',
//                        margins 1 / 0 as PyTorch, p = 1 for multi_margin)
//   size<T>(rows)        elements, bytes that must move, working set (for the floor)
//   fused / naive / handwritten(c)   value, gradients into c.grad
#pragma once

#include <array>
#include <cmath>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "common/agreement.hpp"
#include "common/bandwidth.hpp"
#include "common/counters.hpp"
#include "common/report.hpp"
#include "report_rows/row_case.hpp"
#include "report_rows/variants.hpp"

#ifdef XLOSS_BENCH_HAVE_TORCH
#include "report_rows/torch_peer.hpp"
#endif

namespace rows_report {

// B·D of the cases ("1e3" is 7 rows = 896 elements), up to max_size().
inline constexpr std::array<long, 4> all_sizes = {1'000, 100'000, 1'000'000, 10'000'000};

inline std::vector<long> sizes() {
  std::vector<long> ns;
  for (const long n : all_sizes)
    if (n <= max_size()) ns.push_back(n);
  return ns;
}

// One case with the fused kernel's results, kept while consecutive
// benchmarks share (loss, type, size): generating 10^7-element inputs and
// first-touching them happens once, untimed.
template <class L, class T>
struct held_case {
  explicit held_case(long nominal) {
    c.rows = rows_for(nominal);
    L::fill(c);
    zero_grads(c);
    ref_loss = L::fused(c, 1);
    ref_grads = c.grad;
  }

  row_case<T> c;
  T ref_loss;
  std::vector<Rows<T>> ref_grads;
  std::set<std::string> checked;  // variants already checked on this case
#ifdef XLOSS_BENCH_HAVE_TORCH
  std::shared_ptr<rows_peer::call> torch;  // tensors copied on first use

  rows_peer::call& torch_call() {
    if (!torch) {
      constexpr auto type = sizeof(T) == 4 ? rows_peer::dtype::f32 : rows_peer::dtype::f64;
      std::vector<rows_peer::array> in, other;
      for (const auto& x : c.in) in.push_back({x.data(), type, {x.rows(), x.cols()}});
      if (c.sign.size()) other.push_back({c.sign.data(), type, {c.sign.size()}});
      if (c.label.size()) other.push_back({c.label.data(), rows_peer::dtype::i64, {c.label.size()}});
      if (c.label_rows.size())
        other.push_back({c.label_rows.data(), rows_peer::dtype::i64, {c.label_rows.rows(), c.label_rows.cols()}});
      torch = rows_peer::make_call(L::name, in, other);
    }
    return *torch;
  }
#endif
};

template <class L, class T>
held_case<L, T>& case_for(long nominal) {
  static std::unique_ptr<held_case<L, T>> held;
  static long held_nominal = -1;
  if (held_nominal != nominal) {
    held.reset();  // free the previous case before allocating the next
    held = std::make_unique<held_case<L, T>>(nominal);
    held_nominal = nominal;
  }
  return *held;
}

// A variant: one call computing the loss, its gradients left in c.grad
// (torch variants: in the peer, read_grads copies them when checking).
template <class L, class T>
struct variant {
  std::string name;
  std::function<T(held_case<L, T>&)> run;
  std::function<void(held_case<L, T>&)> prepare = [](held_case<L, T>&) {};
  bool torch = false;
};

template <class L, class T>
void check(held_case<L, T>& h, const variant<L, T>& v, const std::string& what) {
  const T loss = v.run(h);
#ifdef XLOSS_BENCH_HAVE_TORCH
  if (v.torch) {
    std::vector<void*> out;
    for (auto& g : h.c.grad) out.push_back(g.data());
    rows_peer::read_grads(*h.torch, out);
  }
#endif
  xloss_bench::require_close_loss(what, h.ref_loss, loss, double(h.c.rows * dim));
  for (std::size_t k = 0; k < h.c.grad.size(); ++k)
    xloss_bench::require_close_gradient(what + ": gradient " + std::to_string(k), h.ref_grads[k], h.c.grad[k],
                                        1.0 / double(h.c.rows));
}

template <class L, class T>
void bench_variant(benchmark::State& state, long nominal, const variant<L, T>& v, const std::string& name) {
  auto& h = case_for<L, T>(nominal);
  v.prepare(h);
  if (h.checked.insert(v.name).second) check(h, v, name);
  benchmark::DoNotOptimize(v.run(h));  // untimed warm-up: caches, allocator
  const long faults = xloss_bench::minor_faults();
  for (auto _ : state) {
    benchmark::DoNotOptimize(v.run(h));
    benchmark::ClobberMemory();
  }
  xloss_bench::set_counters(state, L::template size<T>(rows_for(nominal)), faults);
}

// The floor row: a triad moving as many bytes as the case must.
template <class L, class T>
void bench_floor(benchmark::State& state, long nominal) {
  xloss_bench::bench_floor<T>(state, L::template size<T>(rows_for(nominal)));
}

template <class L, class T>
void add(const std::string& type, long n, variant<L, T> v) {
  const auto name = std::string(L::name) + "/" + type + "/" + v.name + "/" + std::to_string(n);
  auto* b = benchmark::RegisterBenchmark(name.c_str(), [n, v, name](benchmark::State& st) {
    bench_variant<L, T>(st, n, v, name);
  });
  b->Unit(benchmark::kMicrosecond);
  if (is_threaded(v.name)) b->UseRealTime();
}

#ifdef XLOSS_BENCH_HAVE_TORCH
template <class L, class T>
variant<L, T> torch_variant(const std::string& name, int threads, bool keep) {
  return {name, [](held_case<L, T>& h) { return T(rows_peer::run(h.torch_call())); },
          [threads, keep](held_case<L, T>& h) {
            if (keep) keep_freed_memory();
            rows_peer::set_threads(threads);
            h.torch_call();
          },
          true};
}
#endif

// Everything but the *_keep variants.
template <class L, class T>
void register_loss(const std::string& type) {
  for (const long n : sizes()) {
    add<L, T>(type, n, {"fused", [](held_case<L, T>& h) { return L::fused(h.c, 1); }});
    add<L, T>(type, n, {"fused_threads", [](held_case<L, T>& h) { return L::fused(h.c, all_threads()); }});
    add<L, T>(type, n, {"naive", [](held_case<L, T>& h) { return L::naive(h.c); }});
    add<L, T>(type, n, {"handwritten", [](held_case<L, T>& h) { return L::handwritten(h.c); }});
#ifdef XLOSS_BENCH_HAVE_TORCH
    add<L, T>(type, n, torch_variant<L, T>("torch", 1, false));
    add<L, T>(type, n, torch_variant<L, T>("torch_threads", all_threads(), false));
#endif
    const auto floor = std::string(L::name) + "/" + type + "/floor/" + std::to_string(n);
    benchmark::RegisterBenchmark(floor.c_str(), [n](benchmark::State& st) { bench_floor<L, T>(st, n); })
        ->Unit(benchmark::kMicrosecond);
  }
}

// The *_keep variants (to be registered after everything else).
template <class L, class T>
void register_loss_keep([[maybe_unused]] const std::string& type) {
#ifdef XLOSS_BENCH_HAVE_TORCH
  for (const long n : sizes()) {
    add<L, T>(type, n, torch_variant<L, T>("torch_keep", 1, true));
    add<L, T>(type, n, torch_variant<L, T>("torch_keep_threads", all_threads(), true));
  }
#endif
}

}  // namespace rows_report

namespace rows_report {

template <class L>
void register_both(bool keep) {
  if (keep) {
    register_loss_keep<L, float>("float");
    register_loss_keep<L, double>("double");
  } else {
    register_loss<L, float>("float");
    register_loss<L, double>("double");
  }
}

}  // namespace rows_report
