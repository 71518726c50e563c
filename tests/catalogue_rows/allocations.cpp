// The row-wise catalogue functions allocate nothing once warm: what their
// wrappers derive from the arguments (checked labels, per-sample weights, the
// MultiLabelMargin mask) lives in per-thread scratch reused across calls, and
// error messages are built only when a check fails.
#include "support/allocation_counter.hpp"

#include <xloss/nn/cosine_embedding_loss.hpp>
#include <xloss/nn/cross_entropy.hpp>
#include <xloss/nn/multi_margin_loss.hpp>
#include <xloss/nn/multilabel_margin_loss.hpp>
#include <xloss/nn/multilabel_soft_margin_loss.hpp>
#include <xloss/nn/nll_loss.hpp>
#include <xloss/nn/triplet_margin_loss.hpp>

#include "common.hpp"

using namespace rows_test;
namespace nn = xloss::nn;

namespace {
// Heap allocations of the second of two identical calls (the first warms
// the scratch buffers up). Options with class weights own a copy of them:
// they are made once, outside the calls, as a training loop would.
template <class F>
long allocations_when_warm(F call) {
  call();
  const long before = xloss::testing::allocations.load();
  call();
  return xloss::testing::allocations.load() - before;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(allocations)

BOOST_AUTO_TEST_CASE(row_losses_allocate_nothing_when_warm) {
  constexpr long n = 300, d = 37;
  std::mt19937_64 gen(11);
  const Rows<float> a = uniform<float>(gen, n, d, -2, 2), b = uniform<float>(gen, n, d, -2, 2),
                    c = uniform<float>(gen, n, d, -2, 2), t = uniform<float>(gen, n, d, 0, 1);
  const Labels y = random_labels(gen, n, d);
  const Vec<float> w = Vec<float>::LinSpaced(d, 0.5f, 2.0f), sign = Vec<float>::LinSpaced(n, -1, 1).array().sign();
  Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> lists =
      decltype(lists)::Constant(n, d, -1);
  for (long i = 0; i < n; ++i)
    for (long k = 0; k < i % 4; ++k) lists(i, k) = (i + 7 * k) % d;
  Rows<float> ga(n, d), gb(n, d), gc(n, d);
  const nn::nll_loss_options<float> nll{.weight = w, .ignore_index = 2};
  const nn::cross_entropy_options<float> ce{.weight = w};
  const nn::multi_margin_loss_options<float> mm{.weight = w};
  const nn::multilabel_soft_margin_loss_options<float> mlsm{.weight = w};

  BOOST_TEST(allocations_when_warm([&] { nn::nll_loss(a, y, nll, nn::grad<"input"> = ga); }) == 0);
  BOOST_TEST(allocations_when_warm([&] { nn::cross_entropy(a, y, ce, nn::grad<"input"> = ga); }) == 0);
  BOOST_TEST(allocations_when_warm([&] { nn::multi_margin_loss(a, y, mm, nn::grad<"input"> = ga); }) == 0);
  BOOST_TEST(allocations_when_warm([&] { nn::multilabel_margin_loss(a, lists, {}, nn::grad<"input"> = ga); }) == 0);
  BOOST_TEST(allocations_when_warm([&] { nn::multilabel_soft_margin_loss(a, t, mlsm, nn::grad<"input"> = ga); }) == 0);
  BOOST_TEST(allocations_when_warm([&] {
               nn::cosine_embedding_loss(a, b, sign, {}, nn::grad<"input1"> = ga, nn::grad<"input2"> = gb);
             }) == 0);
  BOOST_TEST(allocations_when_warm([&] {
               nn::triplet_margin_loss(a, b, c, {}, nn::grad<"anchor"> = ga, nn::grad<"positive"> = gb,
                                       nn::grad<"negative"> = gc);
             }) == 0);
}

BOOST_AUTO_TEST_SUITE_END()
