// TripletMarginLoss: PyTorch reference data, finite differences, fused kernel
// vs the reference evaluator, bad inputs.
#include <xloss/nn/triplet_margin_loss.hpp>

#include "common.hpp"

using namespace rows_test;
namespace nn = xloss::nn;

namespace {

template <class T>
void reference_case(const ref_case& c) {
  Rows<T> a = rows<T>(c.at("anchor")), p = rows<T>(c.at("positive")), n = rows<T>(c.at("negative"));
  Rows<T> ga, gp, gn;
  Vec<T> losses;
  nn::triplet_margin_loss_options o{c.opt_num("margin", 1), c.opt_num("p", 2), c.opt_num("eps", 1e-6),
                                    c.opt_num("swap", 0) != 0, reduction_of(c)};
  T value = o.reduction == xloss::reduction::none
                ? nn::triplet_margin_loss(a, p, n, o, nn::grad<"anchor"> = ga, nn::grad<"positive"> = gp,
                                          nn::grad<"negative"> = gn, xloss::loss_out = losses)
                : nn::triplet_margin_loss(a, p, n, o, nn::grad<"anchor"> = ga, nn::grad<"positive"> = gp,
                                          nn::grad<"negative"> = gn);
  if (o.reduction == xloss::reduction::none) check_losses(c, losses);
  else check_value(c, value);
  check_tensor(c, ga, "grad_anchor");
  check_tensor(c, gp, "grad_positive");
  check_tensor(c, gn, "grad_negative");
}

// Every norm and swap variant, as the wrapper builds it.
template <class T, xloss::nn::triplet::norm P, bool Swap>
void kernel_case(const Rows<T>& a, const Rows<T>& p, const Rows<T>& n, const std::string& what) {
  using namespace xloss::nn::triplet;
  struct out {
    Rows<T> ga, gp, gn;
    Vec<T> losses;
  } f, s;
  auto run = [&](auto eval, out& o, xloss::reduction r, auto... extra) {
    return eval(loss<P, Swap>(), r, anchor = a, positive = p, negative = n, margin = 0.5, eps = 1e-6, extra...,
                xloss::grad(anchor) = o.ga, xloss::grad(positive) = o.gp, xloss::grad(negative) = o.gn,
                xloss::loss_out = o.losses);
  };
  for (auto r : {xloss::reduction::none, xloss::reduction::mean}) {
    auto both = [&](auto... extra) {
      check_values(run(fused, f, r, extra...), run(slow, s, r, extra...), what);
    };
    if constexpr (P == norm::lp) both(xloss::nn::triplet::p = 3.0);
    else both();
    check_kernel<T>(f.losses, s.losses, what + " losses");
    check_kernel<T>(f.ga, s.ga, what + " grad anchor");
    check_kernel<T>(f.gp, s.gp, what + " grad positive");
    check_kernel<T>(f.gn, s.gn, what + " grad negative");
  }
}

template <class T>
void kernel_all(const Rows<T>& a, const Rows<T>& p, const Rows<T>& n, const std::string& what) {
  using xloss::nn::triplet::norm;
  kernel_case<T, norm::l1, false>(a, p, n, what + " p=1");
  kernel_case<T, norm::l2, false>(a, p, n, what + " p=2");
  kernel_case<T, norm::linf, false>(a, p, n, what + " p=inf");
  kernel_case<T, norm::lp, false>(a, p, n, what + " p=3");
  kernel_case<T, norm::l2, true>(a, p, n, what + " p=2 swap");
  kernel_case<T, norm::linf, true>(a, p, n, what + " p=inf swap");
}

template <class T>
void kernel_sizes() {
  std::mt19937_64 gen(7);
  for (long n : sample_counts)
    for (long d : row_lengths) {
      if (!affordable(n, d)) continue;
      std::string what = size_name<T>(n, d);
      Rows<T> a = uniform<T>(gen, n, d), p = uniform<T>(gen, n, d), q = uniform<T>(gen, n, d);
      kernel_all<T>(a, p, q, what);
    }
  // Extremes: zero rows, a = p (swap ties), small integers (inf-norm ties, kinks).
  Rows<T> z = Rows<T>::Zero(5, 7), ints = uniform<T>(gen, 5, 7, -3, 3).array().round();
  kernel_all<T>(z, z, z, "zeros");
  kernel_all<T>(ints, ints, z, "a=p");
  kernel_all<T>(ints, z, ints.array() * 2, "integers");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(triplet_margin_loss)

BOOST_AUTO_TEST_CASE(pytorch_reference) {
  auto cases = xloss::testing::load_reference(xloss::testing::reference_path("triplet_margin_loss"));
  BOOST_REQUIRE_EQUAL(cases.size(), 174u);
  for (const auto& c : cases) is_f32(c) ? reference_case<float>(c) : reference_case<double>(c);
}

BOOST_AUTO_TEST_CASE(finite_differences) {
  std::mt19937_64 gen(1);
  Rows<double> a = uniform<double>(gen, 6, 9), p = uniform<double>(gen, 6, 9), n = uniform<double>(gen, 6, 9);
  for (double pn : {1.0, 2.0, 3.0, double(INFINITY)})
    for (bool swap : {false, true}) {
      nn::triplet_margin_loss_options o{.margin = 0.3, .p = pn, .swap = swap, .reduction = xloss::reduction::sum};
      Rows<double> ga, gp, gn;
      nn::triplet_margin_loss(a, p, n, o, nn::grad<"anchor"> = ga, nn::grad<"positive"> = gp, nn::grad<"negative"> = gn);
      auto f = [&] { return nn::triplet_margin_loss(a, p, n, o); };
      std::string what = "p=" + std::to_string(pn) + " swap=" + std::to_string(swap);
      BOOST_TEST(xloss::testing::close(ga, xloss::testing::fd_gradient(f, a), 1e-6, 1e-7), what);
      BOOST_TEST(xloss::testing::close(gp, xloss::testing::fd_gradient(f, p), 1e-6, 1e-7), what);
      BOOST_TEST(xloss::testing::close(gn, xloss::testing::fd_gradient(f, n), 1e-6, 1e-7), what);
    }
}

BOOST_AUTO_TEST_CASE(kernel_vs_reference_evaluator) {
  kernel_sizes<double>();
  kernel_sizes<float>();
}

BOOST_AUTO_TEST_CASE(bad_inputs) {
  Rows<double> a = Rows<double>::Zero(3, 4), b = Rows<double>::Zero(3, 5), c = Rows<double>::Zero(2, 4);
  throws_naming([&] { nn::triplet_margin_loss(a, b, a); }, "positive");
  throws_naming([&] { nn::triplet_margin_loss(a, a, c); }, "negative");
  throws_naming([&] { nn::triplet_margin_loss(a, a, a, {.p = 0}); }, "'p'");
  throws_naming([&] { nn::triplet_margin_loss(a, a, a, {.p = -1}); }, "'p'");
  throws_naming([&] { nn::triplet_margin_loss(a, a, a, {.reduction = xloss::reduction::none}); }, "loss_out");
}

BOOST_AUTO_TEST_SUITE_END()
