// CTC as a term of a DSL loss (ctc_term.hpp), checked against the hand
// composition: ctc_loss with reduction none gives c_n and, with reduction
// sum, each sample's own gradient rows; the formula and the chain rule are
// then applied by hand in long double. Also finite differences of the
// combined loss, reductions, zero_infinity, threads, allocation, errors.
#define BOOST_TEST_MODULE lattice_ctc_term
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>
#include <new>
#include <random>
#include <string>
#include <vector>
#include <xloss/lattice/ctc_term.hpp>
#include <xloss/xloss.hpp>

#include "ctc_test_util.hpp"

#include "support/allocation_counter.hpp"
using xloss::testing::allocations;

using namespace xloss::literals;
using xloss::reduction;

namespace {

constexpr auto c = xloss::ctc_term<"ctc">;
constexpr auto w = xloss::scalar<"w">;
constexpr auto len = xloss::scalar<"len">;
constexpr auto x = xloss::scalar<"x">;
// Nonlinear in c, and mixing c with other per-sample data.
constexpr auto combined = w * c / len + 0.1_c * xloss::softplus(x - c);

using vec = Eigen::VectorXd;

long double softplus(long double z) { return std::max(z, 0.0L) + std::log1p(std::exp(-std::abs(z))); }
long double sigmoid(long double z) { return 1 / (1 + std::exp(-z)); }

// A batch with a repeat, an empty target, short inputs; sample 3 can be
// made impossible (4 labels with a repeat need 5 frames; it has 4).
struct batch {
  long T = 8, N = 4, C = 5;
  std::vector<std::int64_t> il{8, 6, 7, 8}, tl{3, 1, 0, 2};
  std::vector<std::int64_t> y{1, 2, 2, 4, 3, 1};
  std::vector<double> lp;
  vec W, Len, X;
  explicit batch(unsigned seed) {
    std::mt19937 rng(seed);
    lp = ctc_test::random_log_probs(rng, T, N, C);
    std::normal_distribution<double> nd(0.0, 1.0);
    W = vec::NullaryExpr(N, [&] { return 1.0 + 0.5 * nd(rng); });
    X = vec::NullaryExpr(N, [&] { return 3.0 * nd(rng); });
    Len.resize(N);
    for (long n = 0; n < N; ++n) Len[n] = double(std::max<std::int64_t>(tl[n], 1));
  }
  void make_impossible() {
    il = {8, 6, 7, 4};
    tl = {3, 1, 0, 4};
    y = {1, 2, 2, 4, 3, 3, 1, 2};
  }
  xloss::ctc_frames<double> frames(const std::vector<double>& v) const { return {v.data(), T, N, C}; }
  xloss::ctc_targets targets() const { return xloss::ctc_targets::concatenated(y); }
};

// ctc_loss per sample: values (reduction none) and each sample's own
// gradient rows (reduction sum: the gradient of Σ c_n, block n = ∂c_n).
struct by_hand {
  std::vector<double> values, grad;
  by_hand(const batch& b, const std::vector<double>& input, bool logits, bool zero_infinity) {
    values.resize(b.N);
    grad.resize(input.size());
    const xloss::ctc_options none{.reduction = reduction::none, .zero_infinity = zero_infinity};
    const xloss::ctc_options sum{.reduction = reduction::sum, .zero_infinity = zero_infinity};
    auto run = logits ? &xloss::ctc_loss_from_logits<double> : &xloss::ctc_loss<double>;
    run(b.frames(input), b.targets(), b.il, b.tl, none, {.losses = values}, nullptr);
    run(b.frames(input), b.targets(), b.il, b.tl, sum, {.grad = grad}, nullptr);
  }
};

// The combined loss by hand: per-sample value and adjoint ∂ℓ_n/∂c_n.
long double ell(const batch& b, long n, long double cn) {
  return b.W[n] * cn / b.Len[n] + 0.1L * softplus(b.X[n] - cn);
}
long double adjoint(const batch& b, long n, long double cn) { return b.W[n] / b.Len[n] - 0.1L * sigmoid(b.X[n] - cn); }
long double divisor(reduction r, long N) { return r == reduction::mean ? N : 1; }

struct result {
  double loss;
  std::vector<double> grad;
  vec gx, gw, per_sample;
};

result evaluate(const batch& b, const std::vector<double>& input, bool logits, bool zero_infinity, reduction r,
                int threads = 1, xloss::ctc_workspace<double>* ws = nullptr) {
  result out{0, std::vector<double>(input.size()), vec(b.N), vec(b.N), vec(b.N)};
  const auto in = logits ? xloss::ctc_input_from_logits(b.frames(input), b.targets(), b.il, b.tl, 0, zero_infinity)
                         : xloss::ctc_input(b.frames(input), b.targets(), b.il, b.tl, 0, zero_infinity);
  auto common = [&](auto&&... more) {
    return xloss::evaluate_ctc(combined, r, in, xloss::grad_ctc(out.grad), w = b.W, len = b.Len, x = b.X,
                               xloss::grad(x) = out.gx, xloss::grad(w) = out.gw, xloss::threads(threads), more...);
  };
  if (ws)
    out.loss = common(xloss::loss_out = out.per_sample, *ws);
  else
    out.loss = common(xloss::loss_out = out.per_sample);
  return out;
}

void check_against_hand(const batch& b, const std::vector<double>& input, bool logits, bool zero_infinity,
                        reduction r) {
  const by_hand h(b, input, logits, zero_infinity);
  const result got = evaluate(b, input, logits, zero_infinity, r);
  long double total = 0;
  for (long n = 0; n < b.N; ++n) total += ell(b, n, h.values[n]);
  CTC_CHECK_CLOSE(got.loss, double(total / divisor(r, b.N)), 1e-14);
  for (long n = 0; n < b.N; ++n) {
    if (r == reduction::none) CTC_CHECK_CLOSE(got.per_sample[n], double(ell(b, n, h.values[n])), 1e-14);
    const long double a = adjoint(b, n, h.values[n]) / divisor(r, b.N);
    CTC_CHECK_CLOSE(got.gx[n], double(0.1L * sigmoid(b.X[n] - h.values[n]) / divisor(r, b.N)), 1e-14);
    CTC_CHECK_CLOSE(got.gw[n], double(h.values[n] / b.Len[n] / divisor(r, b.N)), 1e-14);
    for (long t = 0; t < b.T; ++t)
      for (long k = 0; k < b.C; ++k) {
        const std::size_t i = static_cast<std::size_t>((t * b.N + n) * b.C + k);
        CTC_CHECK_CLOSE(got.grad[i], double(a * h.grad[i]), 1e-13);
      }
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(value_and_gradients_equal_the_hand_composition) {
  const batch b(41);
  for (auto r : {reduction::mean, reduction::sum, reduction::none}) {
    check_against_hand(b, b.lp, false, false, r);
    check_against_hand(b, b.lp, true, false, r);  // the log-probs are valid logits too
  }
}

BOOST_AUTO_TEST_CASE(gradients_match_finite_differences) {
  const batch b(42);
  std::mt19937 rng(43);
  std::normal_distribution<double> nd(0.0, 2.0);
  std::vector<double> logits(b.lp.size());
  for (auto& v : logits) v = nd(rng) + 1.0;  // unnormalised
  for (bool from_logits : {false, true})
    for (auto r : {reduction::mean, reduction::sum}) {
      const auto& input = from_logits ? logits : b.lp;
      const result got = evaluate(b, input, from_logits, false, r);
      const double h = 1e-6;
      auto fd = [&](const std::function<double(double)>& at, double x0) { return (at(x0 + h) - at(x0 - h)) / (2 * h); };
      std::vector<double> v = input;
      for (std::size_t i = 0; i < v.size(); ++i) {
        const double keep = v[i];
        const double d = fd(
            [&](double at) {
              v[i] = at;
              return evaluate(b, v, from_logits, false, r).loss;
            },
            keep);
        v[i] = keep;
        CTC_CHECK_CLOSE(got.grad[i], d, 1e-8);
      }
      batch moved = b;
      for (long n = 0; n < b.N; ++n) {
        const double dx = fd(
            [&](double at) {
              moved.X[n] = at;
              return evaluate(moved, input, from_logits, false, r).loss;
            },
            b.X[n]);
        moved.X[n] = b.X[n];
        const double dw = fd(
            [&](double at) {
              moved.W[n] = at;
              return evaluate(moved, input, from_logits, false, r).loss;
            },
            b.W[n]);
        moved.W[n] = b.W[n];
        CTC_CHECK_CLOSE(got.gx[n], dx, 1e-8);
        CTC_CHECK_CLOSE(got.gw[n], dw, 1e-8);
      }
    }
}

BOOST_AUTO_TEST_CASE(c_over_length_with_mean_is_pytorchs_mean) {
  // mean_n(c_n / max(L_n, 1)) is ctc_loss's 'mean'.
  const batch b(44);
  std::vector<double> g_term(b.lp.size()), g_loss(b.lp.size());
  const double term =
      xloss::evaluate_ctc(c / len, reduction::mean, xloss::ctc_input(b.frames(b.lp), b.targets(), b.il, b.tl),
                          xloss::grad_ctc(g_term), len = b.Len);
  const double loss =
      xloss::ctc_loss(b.frames(b.lp), b.targets(), b.il, b.tl, {.reduction = reduction::mean}, {.grad = g_loss});
  CTC_CHECK_CLOSE(term, loss, 1e-15);
  for (std::size_t i = 0; i < g_term.size(); ++i) CTC_CHECK_CLOSE(g_term[i], g_loss[i], 1e-15);
}

BOOST_AUTO_TEST_CASE(impossible_alignment_and_zero_infinity) {
  batch b(45);
  b.make_impossible();
  b.W[3] = 1.5;
  for (bool logits : {false, true}) {
    // zero_infinity: c_3 = 0 enters the formula, its rows are 0, the others as by hand.
    for (auto r : {reduction::mean, reduction::sum, reduction::none}) check_against_hand(b, b.lp, logits, true, r);
    // Without: c_3 = +inf, so the loss is +inf (w_3 > 0) and sample 3's rows are NaN.
    const result got = evaluate(b, b.lp, logits, false, reduction::sum);
    BOOST_TEST(got.loss == std::numeric_limits<double>::infinity());
    const by_hand h(b, b.lp, logits, false);
    for (long t = 0; t < b.T; ++t)
      for (long n = 0; n < b.N; ++n)
        for (long k = 0; k < b.C; ++k) {
          const std::size_t i = static_cast<std::size_t>((t * b.N + n) * b.C + k);
          if (n == 3)
            BOOST_TEST((t < b.il[3] ? std::isnan(got.grad[i]) : got.grad[i] == 0.0));
          else
            CTC_CHECK_CLOSE(got.grad[i], double(adjoint(b, n, h.values[n]) * h.grad[i]), 1e-13);
        }
  }
  // An infinite adjoint at a zeroed sample (d sqrt(c)/dc at c = 0) leaves its rows 0.
  std::vector<double> g(b.lp.size());
  xloss::evaluate_ctc(xloss::sqrt(c), reduction::sum,
                      xloss::ctc_input(b.frames(b.lp), b.targets(), b.il, b.tl, 0, true), xloss::grad_ctc(g));
  for (long t = 0; t < b.T; ++t)
    for (long k = 0; k < b.C; ++k) BOOST_TEST(g[static_cast<std::size_t>((t * b.N + 3) * b.C + k)] == 0.0);
}

BOOST_AUTO_TEST_CASE(one_and_two_threads_are_bit_identical) {
  std::mt19937 rng(46);
  batch b(47);
  b.T = 30, b.N = 9;
  b.lp = ctc_test::random_log_probs(rng, b.T, b.N, b.C);
  b.il.clear(), b.tl.clear(), b.y.clear();
  for (long n = 0; n < b.N; ++n) {
    b.il.push_back(std::uniform_int_distribution<std::int64_t>(12, b.T)(rng));
    b.tl.push_back(std::uniform_int_distribution<std::int64_t>(0, 5)(rng));
    for (std::int64_t i = 0; i < b.tl.back(); ++i)
      b.y.push_back(std::uniform_int_distribution<std::int64_t>(1, b.C - 1)(rng));
  }
  b.W = vec::Constant(b.N, 0.7), b.X = vec::LinSpaced(b.N, -2, 2), b.Len.resize(b.N);
  for (long n = 0; n < b.N; ++n) b.Len[n] = double(std::max<std::int64_t>(b.tl[n], 1));
  auto same = [](const auto* p, const auto* q, std::size_t n) { return std::memcmp(p, q, n * sizeof(*p)) == 0; };
  for (bool logits : {false, true}) {
    const result one = evaluate(b, b.lp, logits, false, reduction::mean, 1);
    for (int rep = 0; rep < 5; ++rep) {
      const result two = evaluate(b, b.lp, logits, false, reduction::mean, 2);
      BOOST_TEST(same(&one.loss, &two.loss, 1));
      BOOST_TEST(same(one.grad.data(), two.grad.data(), one.grad.size()));
      BOOST_TEST(same(one.gx.data(), two.gx.data(), std::size_t(b.N)));
      BOOST_TEST(same(one.gw.data(), two.gw.data(), std::size_t(b.N)));
    }
  }
}

BOOST_AUTO_TEST_CASE(a_warm_workspace_allocates_nothing) {
  const batch b(48);
  for (int threads : {1, 2})
    for (bool logits : {false, true}) {
      xloss::ctc_workspace<double> ws(threads);
      result out{0, std::vector<double>(b.lp.size()), vec(b.N), vec(b.N), vec(b.N)};
      const auto in = logits ? xloss::ctc_input_from_logits(b.frames(b.lp), b.targets(), b.il, b.tl)
                             : xloss::ctc_input(b.frames(b.lp), b.targets(), b.il, b.tl);
      auto run = [&] {
        return xloss::evaluate_ctc(combined, reduction::mean, in, xloss::grad_ctc(out.grad), w = b.W, len = b.Len,
                                   x = b.X, xloss::grad(x) = out.gx, xloss::threads(threads), ws);
      };
      const double first = run();
      const long before = allocations.load();
      const double second = run();
      BOOST_TEST(allocations.load() - before == 0, "threads " << threads << " logits " << logits);
      BOOST_TEST(first == second);
    }
}

namespace {
void expect_error(const std::function<void()>& f, const std::string& fragment) {
  try {
    f();
    BOOST_ERROR("no exception; expected one mentioning '" << fragment << "'");
  } catch (const std::invalid_argument& e) {
    BOOST_CHECK_MESSAGE(std::string(e.what()).find(fragment) != std::string::npos,
                        "message '" << e.what() << "' lacks '" << fragment << "'");
  }
}
}  // namespace

BOOST_AUTO_TEST_CASE(bad_input_names_the_argument) {
  const batch b(49);
  std::vector<double> g(b.lp.size()), short_g(b.lp.size() - 1);
  const std::vector<std::int64_t> zero_length{8, 0, 7, 8}, bad_label{1, 2, 2, 5, 3, 1};
  auto run = [&](std::span<const std::int64_t> il, std::span<const std::int64_t> y, std::vector<double>& grad,
                 const vec& W, int threads) {
    xloss::evaluate_ctc(combined, reduction::mean,
                        xloss::ctc_input(b.frames(b.lp), xloss::ctc_targets::concatenated(y), il, b.tl),
                        xloss::grad_ctc(grad), w = W, len = b.Len, x = b.X, xloss::threads(threads));
  };
  BOOST_CHECK_NO_THROW(run(b.il, b.y, g, b.W, 1));
  expect_error([&] { run(zero_length, b.y, g, b.W, 1); },
               "xloss::evaluate_ctc: input_lengths[1] = 0: must be in [1, T]");
  expect_error([&] { run(b.il, bad_label, g, b.W, 1); },
               "xloss::evaluate_ctc: targets: sample 1 position 0 label 5 is out of range");
  expect_error([&] { run(b.il, b.y, short_g, b.W, 1); },
               "xloss::evaluate_ctc: grad_ctc: expected T*N*C = 160 entries, got 159");
  expect_error([&] { run(b.il, b.y, g, vec::Ones(3), 1); }, "'w' has 3 samples");
  expect_error([&] { run(b.il, b.y, g, b.W, 0); },
               "xloss::evaluate_ctc: threads(0): the thread count must be at least 1");
  expect_error(
      [&] { xloss::evaluate_ctc(c, reduction::none, xloss::ctc_input(b.frames(b.lp), b.targets(), b.il, b.tl)); },
      "loss_out");
}

BOOST_AUTO_TEST_CASE(the_term_prints_with_its_marker) {
  BOOST_TEST(xloss::to_string(c / len).find("ctc:ctc") != std::string::npos);
}
