// The benchmark report's row losses and CTC (issue #6): the fused xloss
// kernel against a naive Eigen port, a hand-written packet loop, libtorch
// eager (when found) and the bandwidth floor. Names and counters follow the
// report's JSON contract (variants.hpp); bench/report/report.py reads them.
//
//   bench_report_rows --benchmark_format=json > rows.json
//
// Default --benchmark_min_time is 0.1 s; an explicit one on the command line
// wins. XLOSS_BENCH_MAX_N=<n> in the environment drops the cases of more than
// n elements (the CI smoke pass: 100000, see variants.hpp). At B·D = 1e7 one
// libtorch call takes seconds and the full run ~10 minutes on 2 cores; a run
// of ~2 minutes keeps only fused, handwritten and floor there (what the
// report's floor column needs):
//   bench_report_rows --benchmark_min_time=0.05
//                     '--benchmark_filter=-/(double/.*|float/(naive|torch.*))/10000000'
#include "common/eigen.hpp"  // first: <Eigen/Core> with GCC 12's false positive silenced

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include <benchmark/benchmark.h>

#include "common/report.hpp"

#include "common/bandwidth.hpp"
#include "report_rows/register.hpp"
#include "report_rows/row_case.hpp"
#include "report_rows/variants.hpp"

#ifdef XLOSS_BENCH_HAVE_TORCH
#include "report_rows/torch_peer.hpp"
#endif

namespace {

// In registration order, which is running order: the *_keep variants last.
void register_all() {
  for (const bool keep : {false, true}) {
    rows_report::register_triplet_margin_loss(keep);
    rows_report::register_cosine_embedding_loss(keep);
    rows_report::register_cross_entropy(keep);
    rows_report::register_nll_loss(keep);
    rows_report::register_multi_margin_loss(keep);
    rows_report::register_multilabel_soft_margin_loss(keep);
    rows_report::register_multilabel_margin_loss(keep);
    rows_report::register_ctc_loss(keep);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (!xloss_bench::initialize_report(argc, argv)) return 1;

  register_all();

  benchmark::AddCustomContext("triad_GBps_64MiB", std::to_string(xloss_bench::triad_bandwidth(64u << 20) * 1e-9));
  benchmark::AddCustomContext("rows_D", std::to_string(rows_report::dim));
  benchmark::AddCustomContext("threads", std::to_string(rows_report::all_threads()));
#ifdef XLOSS_BENCH_HAVE_TORCH
  benchmark::AddCustomContext("torch", rows_peer::version());
#else
  benchmark::AddCustomContext("torch", "not installed");
#endif
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
