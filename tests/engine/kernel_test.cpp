// The fused kernel against the reference evaluator on elementwise losses:
// sizes 0, 1, odd and ≫ cache, float and double, extreme inputs, Eigen
// layouts, thread-count determinism, no heap allocation, float accuracy.
#define BOOST_TEST_MODULE kernel
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <new>
#include <random>
#include <thread>
#include <vector>

#include <xloss/kernel/reference.hpp>
#include <xloss/xloss.hpp>

#include "support/checks.hpp"

#include "support/allocation_counter.hpp"
using xloss::testing::allocations;

using namespace xloss;
using namespace xloss::literals;
using xloss::testing::close;

namespace {
constexpr auto x = scalar<"x">;
constexpr auto y = scalar<"y">;
constexpr auto m = param<"m">;
constexpr auto bce = softplus(x) - y * x;
constexpr auto mixed = select(y > 0_c, relu(m - x) * relu(m - x), log1p(exp(-x * y)) + abs(x) / (1_c + x * x)) +
                       tanh(x) * sigmoid(y) - clamp_min(x, y);
template <class T>
void inputs(Eigen::VectorX<T>& X, Eigen::VectorX<T>& Y, Eigen::Index n, double scale, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<double> u(-1, 1);
  X.resize(n);
  Y.resize(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    X[i] = static_cast<T>(scale * u(gen));
    Y[i] = static_cast<T>(i % 3 == 0 ? 0 : u(gen));
  }
}

template <class T, class E>
void fused_matches_reference(E e, Eigen::Index n, double scale) {
  Eigen::VectorX<T> X, Y;
  inputs(X, Y, n, scale, static_cast<unsigned>(n));
  for (auto r : {reduction::none, reduction::mean, reduction::sum}) {
    Eigen::VectorX<T> GX, GY, L, RGX, RGY, RL;
    T fused = evaluate(e, r, x = X, y = Y, m = 0.5, grad(x) = GX, grad(y) = GY, loss_out = L);
    T ref = reference::evaluate(e, r, x = X, y = Y, m = 0.5, grad(x) = RGX, grad(y) = RGY, loss_out = RL);
    // Losses such as relu(x) + log1p(e) − y·x cancel: their absolute error is
    // a few ulp of the inputs' magnitude, in the kernel as in PyTorch.
    double eps = std::numeric_limits<T>::epsilon(), count = static_cast<double>(std::max<Eigen::Index>(n, 1));
    double rtol = 16 * eps, atol = 16 * eps * (1 + scale);
    double grad_atol = r == reduction::mean ? atol / count : atol;
    double total_atol = r == reduction::sum ? atol * count : atol;
    BOOST_TEST(close(L, RL, rtol, atol), "n=" << n);
    BOOST_TEST(close(GX, RGX, rtol, grad_atol), "n=" << n);
    BOOST_TEST(close(GY, RGY, rtol, grad_atol), "n=" << n);
    BOOST_TEST(close(Eigen::Matrix<T, 1, 1>(fused), Eigen::Matrix<T, 1, 1>(ref), rtol, total_atol), "n=" << n);
  }
}
}  // namespace

BOOST_AUTO_TEST_CASE(fused_equals_reference_all_sizes) {
  for (Eigen::Index n : {0, 1, 7, 17, 1001, 100003}) {
    fused_matches_reference<double>(bce, n, 20);
    fused_matches_reference<float>(bce, n, 20);
    fused_matches_reference<double>(mixed, n, 3);
    fused_matches_reference<float>(mixed, n, 3);
  }
}

BOOST_AUTO_TEST_CASE(extreme_logits) {
  fused_matches_reference<double>(bce, 4001, 700);
  fused_matches_reference<float>(bce, 4001, 80);
}

BOOST_AUTO_TEST_CASE(empty_batch) {
  Eigen::VectorXd X(0), Y(0), G;
  BOOST_TEST(std::isnan(evaluate(bce, reduction::mean, x = X, y = Y, grad(x) = G)));
  BOOST_TEST(evaluate(bce, reduction::sum, x = X, y = Y) == 0.0);
  BOOST_TEST(G.size() == 0);
}

BOOST_AUTO_TEST_CASE(layouts_and_strides) {
  // The same numbers through a strided Map, a row of a row-major matrix and
  // a column of a column-major one give the same answer as contiguous data.
  const int n = 37;
  Eigen::VectorXd X, Y;
  inputs(X, Y, n, 10, 3);
  Eigen::VectorXd G;
  double want = evaluate(bce, reduction::sum, x = X, y = Y, grad(x) = G);

  Eigen::Matrix<double, 2, Eigen::Dynamic, Eigen::RowMajor> rows(2, n);
  rows.row(0) = X.transpose();
  rows.row(1) = Y.transpose();
  Eigen::MatrixXd cols(n, 3);
  cols.col(1) = X;
  Eigen::VectorXd storage(3 * n);
  Eigen::Map<Eigen::VectorXd, 0, Eigen::InnerStride<3>> strided(storage.data(), n);
  strided = G;
  Eigen::VectorXd G2 = Eigen::VectorXd::Zero(3 * n);
  Eigen::Map<Eigen::VectorXd, 0, Eigen::InnerStride<3>> G2s(G2.data() + 1, n);
  double got = evaluate(bce, reduction::sum, x = cols.col(1), y = rows.row(1), grad(x) = G2s);
  BOOST_TEST(got == want);
  BOOST_TEST(close(Eigen::VectorXd(G2s), G, 0, 0));
}

// Strided per-sample data is staged in blocks of 256 samples (a multiple of
// the SIMD width), so the losses are summed in the same lanes and order as
// for unit-stride data: the same bits, over several blocks, a partial one,
// and two threads (chunk boundaries inside blocks).
BOOST_AUTO_TEST_CASE(staged_strided_samples_give_the_same_bits) {
  for (int n : {1, 255, 1000, 70'001}) {
    Eigen::VectorXf X, Y;
    inputs(X, Y, n, 30, 12);
    Eigen::VectorXf G1, GY1, L1;
    const float want = evaluate(mixed, reduction::mean, x = X, y = Y, m = 0.5, grad(x) = G1, grad(y) = GY1, threads(2));
    evaluate(mixed, reduction::none, x = X, y = Y, m = 0.5, loss_out = L1);

    std::vector<float> xs(static_cast<std::size_t>(2 * n)), gs(static_cast<std::size_t>(3 * n));
    Eigen::Map<Eigen::VectorXf, 0, Eigen::InnerStride<2>> Xs(xs.data(), n);
    Xs = X;
    Eigen::Map<Eigen::VectorXf, 0, Eigen::InnerStride<3>> Gs(gs.data() + 2, n);
    Eigen::VectorXf GY2(n);
    const float got = evaluate(mixed, reduction::mean, x = Xs, y = Y, m = 0.5, grad(x) = Gs, grad(y) = GY2, threads(2));
    BOOST_TEST(got == want, "n = " << n);
    BOOST_TEST((Eigen::VectorXf(Gs).array() == G1.array()).all(), "n = " << n);
    BOOST_TEST((GY2.array() == GY1.array()).all(), "n = " << n);
    for (int at = 0; at < n; ++at) BOOST_TEST((gs[3 * at] == 0 && gs[3 * at + 1] == 0));

    Eigen::Matrix<float, 2, Eigen::Dynamic> Lt(2, n);  // a row of a column-major 2 x n: stride 2
    Lt.setZero();
    evaluate(mixed, reduction::none, x = Xs, y = Y, m = 0.5, loss_out = Lt.row(1));
    BOOST_TEST((Lt.row(1).transpose().array() == L1.array()).all(), "n = " << n);
    BOOST_TEST((Lt.row(0).array() == 0).all());
  }
}

BOOST_AUTO_TEST_CASE(thread_count_does_not_change_bits) {
  Eigen::VectorXf X, Y;
  inputs(X, Y, 1'000'003, 30, 11);
  Eigen::VectorXf G1, G2, G3;
  float l1 = evaluate(mixed, reduction::mean, x = X, y = Y, m = 0.5, grad(x) = G1, threads(1));
  float l2 = evaluate(mixed, reduction::mean, x = X, y = Y, m = 0.5, grad(x) = G2, threads(2));
  float l3 = evaluate(mixed, reduction::mean, x = X, y = Y, m = 0.5, grad(x) = G3, threads(3));
  BOOST_TEST(l1 == l2);
  BOOST_TEST(l1 == l3);
  BOOST_TEST((G1.array() == G2.array()).all());
  BOOST_TEST((G1.array() == G3.array()).all());
}

// The pool itself: every chunk runs once per run, on a thread numbered below
// the run's thread count, for any sequence of thread counts (workers are
// created as more are asked for, and runs that want fewer leave some idle)
// and with two callers submitting at once.
BOOST_AUTO_TEST_CASE(thread_pool_runs_every_chunk_once) {
  struct job {
    std::vector<std::atomic<int>> runs = std::vector<std::atomic<int>>(997);
    std::atomic<int> highest_thread{0};
  };
  auto task = [](void* p, std::ptrdiff_t c, int thread) {
    auto& jb = *static_cast<job*>(p);
    jb.runs[static_cast<std::size_t>(c)].fetch_add(1);
    for (int seen = jb.highest_thread.load(); thread > seen && !jb.highest_thread.compare_exchange_weak(seen, thread);) {
    }
  };
  auto run = [&](int threads_used) {
    job jb;
    detail::thread_pool::instance().run(threads_used, 997, task, &jb);
    int wrong = 0;
    for (auto& r : jb.runs) wrong += r.load() != 1;
    return wrong == 0 && jb.highest_thread.load() < threads_used;
  };
  for (int threads_used : {2, 5, 1, 3, 64, 2, 8, 1000})
    BOOST_TEST(run(threads_used), "threads " << threads_used);
  std::atomic<int> failures{0};
  auto submit = [&] {
    for (int i = 0; i < 200; ++i) failures += !run(2 + i % 4);
  };
  std::thread other(submit);
  submit();
  other.join();
  BOOST_TEST(failures.load() == 0);
}

BOOST_AUTO_TEST_CASE(no_heap_allocation_per_call) {
  Eigen::VectorXd X, Y;
  inputs(X, Y, 100'000, 10, 5);
  Eigen::VectorXd GX(X.size()), GY(X.size()), L(X.size());
  for (int threads_used : {1, 2}) {
    evaluate(bce, reduction::none, x = X, y = Y, grad(x) = GX, grad(y) = GY, loss_out = L, threads(threads_used));
    long before = allocations.load();
    evaluate(bce, reduction::none, x = X, y = Y, grad(x) = GX, grad(y) = GY, loss_out = L, threads(threads_used));
    BOOST_TEST(allocations.load() - before == 0, "threads " << threads_used);
  }
  // Names longer than a short string, and a row loss with a label list:
  // messages are built only when a check fails.
  constexpr auto scores_of_every_class = row<"scores_of_every_class">;
  constexpr auto listed_target_classes = labels<"listed_target_classes">;
  constexpr auto listed = sum(logsumexp(k, scores_of_every_class[k]) - scores_of_every_class[listed_target_classes]);
  Eigen::MatrixXd S = Eigen::MatrixXd::Random(300, 17), GS(300, 17);
  Eigen::MatrixXi Lists = Eigen::MatrixXi::Constant(300, 4, -1);
  Lists.col(0).setConstant(3);
  Lists.col(1).setConstant(16);
  for (int threads_used : {1, 2}) {
    auto run = [&] {
      return evaluate(listed, reduction::mean, scores_of_every_class = S, listed_target_classes = Lists,
                      grad(scores_of_every_class) = GS, threads(threads_used));
    };
    run();
    long before = allocations.load();
    run();
    BOOST_TEST(allocations.load() - before == 0, "long names, threads " << threads_used);
  }
}

BOOST_AUTO_TEST_CASE(float_mean_accumulates_in_double) {
  // The float32 mean of 1e8 elements stays within 1e-6 relative of float64.
#if defined(__SANITIZE_ADDRESS__)
  const Eigen::Index n = 10'000'000;  // the sanitizer build is ~10x slower
#else
  const Eigen::Index n = 100'000'000;
#endif
  Eigen::VectorXf X(n);
  std::mt19937 gen(1);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  double exact = 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    X[i] = u(gen);
    exact += X[i];
  }
  exact /= static_cast<double>(n);
  float got = evaluate(x * 1_c, reduction::mean, x = X, threads(2));
  BOOST_TEST(std::fabs(got - exact) / exact < 1e-6);
}
