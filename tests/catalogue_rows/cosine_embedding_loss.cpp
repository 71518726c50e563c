// CosineEmbeddingLoss: PyTorch reference data, finite differences, fused
// kernel vs the reference evaluator, bad inputs.
#include <xloss/nn/cosine_embedding_loss.hpp>

#include "common.hpp"

using namespace rows_test;
namespace nn = xloss::nn;

namespace {

template <class T>
void reference_case(const ref_case& c) {
  Rows<T> x1 = rows<T>(c.at("input1")), x2 = rows<T>(c.at("input2")), g1, g2;
  Vec<T> y = flat<T>(c.at("target"));
  nn::cosine_embedding_loss_options o{c.opt_num("margin", 0), reduction_of(c)};
  check_value_or_losses<T>(c, [&](auto... out) {
    return nn::cosine_embedding_loss(x1, x2, y, o, nn::grad<"input1"> = g1, nn::grad<"input2"> = g2, out...);
  });
  check_tensor(c, g1, "grad_input1");
  check_tensor(c, g2, "grad_input2");
}

template <class T>
void kernel_case(const Rows<T>& x1, const Rows<T>& x2, const Vec<T>& y, const std::string& what) {
  using namespace xloss::nn::cosine_embedding;
  struct out {
    Rows<T> g1, g2;
    Vec<T> losses;
  } f, s;
  auto run = [&](auto eval, out& o, xloss::reduction r) {
    return eval(loss, r, input1 = x1, input2 = x2, target = y, margin = 0.25, eps = EPS, xloss::grad(input1) = o.g1,
                xloss::grad(input2) = o.g2, xloss::loss_out = o.losses);
  };
  for (auto r : {xloss::reduction::none, xloss::reduction::sum}) {
    check_values(run(fused, f, r), run(slow, s, r), what);
    check_kernel<T>(f.losses, s.losses, what + " losses");
    check_kernel<T>(f.g1, s.g1, what + " grad input1");
    check_kernel<T>(f.g2, s.g2, what + " grad input2");
  }
}

template <class T>
Vec<T> targets(std::mt19937_64& gen, long n) {
  Vec<T> y(n);
  for (long i = 0; i < n; ++i) y(i) = static_cast<T>(static_cast<int>(gen() % 3) - 1);  // −1, 0, 1
  return y;
}

template <class T>
void kernel_sizes() {
  std::mt19937_64 gen(3);
  for (long n : sample_counts)
    for (long d : row_lengths)
      // D = 1 is skipped in float: cos is ±1 there and each gradient is a difference of two
      // terms of size 1/|x| that cancel exactly, so float rounding dominates the result.
      if (affordable(n, d) && (d > 1 || sizeof(T) == 8)) kernel_case<T>(uniform<T>(gen, n, d), uniform<T>(gen, n, d), targets<T>(gen, n), size_name<T>(n, d));
  // Zero vectors, parallel and orthogonal rows (cos = 0: the y = −1 kink at margin 0.25 is not hit;
  // cos = 0.25 exactly is not representable, so kinks are covered by the reference data).
  Rows<T> z = Rows<T>::Zero(4, 3), e = Rows<T>::Identity(4, 3);
  Vec<T> y(4);
  y << 1, -1, 1, -1;
  kernel_case<T>(z, e, y, "zero");
  kernel_case<T>(e, e, y, "parallel");
  kernel_case<T>(e, Rows<T>(e.rowwise().reverse()), y, "orthogonal");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cosine_embedding_loss)

BOOST_AUTO_TEST_CASE(pytorch_reference) {
  check_reference("cosine_embedding_loss", 36, reference_case<float>, reference_case<double>);
}

BOOST_AUTO_TEST_CASE(finite_differences) {
  std::mt19937_64 gen(1);
  Rows<double> x1 = uniform<double>(gen, 8, 5), x2 = uniform<double>(gen, 8, 5), g1, g2;
  Vec<double> y(8);
  y << 1, -1, 1, -1, -1, 1, -1, 0;
  nn::cosine_embedding_loss_options o{.margin = -0.2, .reduction = xloss::reduction::mean};
  nn::cosine_embedding_loss(x1, x2, y, o, nn::grad<"input1"> = g1, nn::grad<"input2"> = g2);
  auto f = [&] { return nn::cosine_embedding_loss(x1, x2, y, o); };
  BOOST_TEST(xloss::testing::close(g1, xloss::testing::fd_gradient(f, x1), 1e-6, 1e-8));
  BOOST_TEST(xloss::testing::close(g2, xloss::testing::fd_gradient(f, x2), 1e-6, 1e-8));
}

BOOST_AUTO_TEST_CASE(integer_targets) {
  // PyTorch accepts integer targets; they give the same loss as real ones.
  std::mt19937_64 gen(2);
  Rows<double> x1 = uniform<double>(gen, 4, 3), x2 = uniform<double>(gen, 4, 3);
  Eigen::VectorXi yi(4);
  yi << 1, -1, 2, -1;
  BOOST_TEST(nn::cosine_embedding_loss(x1, x2, yi) == nn::cosine_embedding_loss(x1, x2, Vec<double>(yi.cast<double>())));
}

BOOST_AUTO_TEST_CASE(kernel_vs_reference_evaluator) {
  kernel_sizes<double>();
  kernel_sizes<float>();
}

BOOST_AUTO_TEST_CASE(bad_inputs) {
  Rows<double> a = Rows<double>::Zero(3, 4), b = Rows<double>::Zero(3, 5), c = Rows<double>::Zero(2, 4);
  Vec<double> y = Vec<double>::Ones(3), y2 = Vec<double>::Ones(2);
  throws_naming([&] { nn::cosine_embedding_loss(a, b, y); }, "input2");
  throws_naming([&] { nn::cosine_embedding_loss(a, c, y); }, "input2");
  throws_naming([&] { nn::cosine_embedding_loss(a, a, y2); }, "target");
}

BOOST_AUTO_TEST_SUITE_END()
