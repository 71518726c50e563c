// Two small training loops on synthetic data (fixed seeds), using catalogue
// losses from C++ training code:
//  1. logistic regression with BCEWithLogits: logits X·w + b, plain SGD;
//  2. a linear embedding z = W·x trained with TripletMargin so that points of
//     the same cluster end up closer than points of different clusters.
// Each prints its loss falling; the program fails if it does not fall.
#include <cstdio>
#include <random>

#include <xloss/nn/binary_cross_entropy_with_logits.hpp>
#include <xloss/nn/triplet_margin_loss.hpp>

using Rows = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

static bool logistic_regression() {
  const int n = 2000, d = 5;
  std::mt19937 gen(7);
  std::normal_distribution<double> noise(0, 1);
  Eigen::VectorXd w_true(d);
  w_true << 1.5, -2, 0.5, 0, 1;
  Rows X(n, d);
  Eigen::VectorXd y(n);
  for (int i = 0; i < n; ++i) {
    for (int k = 0; k < d; ++k) X(i, k) = noise(gen);
    double p = 1 / (1 + std::exp(-(X.row(i).dot(w_true) + 0.3)));
    y[i] = std::uniform_real_distribution<double>(0, 1)(gen) < p ? 1 : 0;
  }
  Eigen::VectorXd w = Eigen::VectorXd::Zero(d), logits(n), g;
  double b = 0, first = 0, last = 0;
  std::printf("logistic regression (BCEWithLogits, mean), SGD lr 0.5\n");
  for (int step = 0; step <= 100; ++step) {
    logits = X * w;
    logits.array() += b;
    double L = xloss::nn::binary_cross_entropy_with_logits(logits, y, {}, xloss::nn::grad<"input"> = g);
    w -= 0.5 * (X.transpose() * g);  // chain rule through logits = X·w + b
    b -= 0.5 * g.sum();
    if (step == 0) first = L;
    last = L;
    if (step % 20 == 0) std::printf("  step %3d  loss %.5f\n", step, L);
  }
  return last < 0.8 * first;
}

static bool triplet_embedding() {
  const int clusters = 4, d = 8, e = 3, per_batch = 256;
  std::mt19937 gen(11);
  std::normal_distribution<double> noise(0, 1);
  Rows centers(clusters, d);
  for (int c = 0; c < clusters; ++c)
    for (int k = 0; k < d; ++k) centers(c, k) = 2 * noise(gen);
  auto sample = [&](int c) {
    Eigen::RowVectorXd x = centers.row(c);
    for (int k = 0; k < d; ++k) x[k] += 1.5 * noise(gen);
    return x;
  };
  Rows W(e, d);  // the embedding z = W·x
  for (int i = 0; i < W.size(); ++i) W.data()[i] = 0.3 * noise(gen);
  Rows A(per_batch, d), P(per_batch, d), N(per_batch, d), GA, GP, GN;
  double first = 0, last = 0;
  std::printf("linear embedding (TripletMargin, margin 1, p 2), SGD lr 0.05\n");
  for (int step = 0; step <= 150; ++step) {
    for (int i = 0; i < per_batch; ++i) {
      int c = static_cast<int>(gen() % clusters), o = static_cast<int>((c + 1 + gen() % (clusters - 1)) % clusters);
      A.row(i) = sample(c);
      P.row(i) = sample(c);
      N.row(i) = sample(o);
    }
    Rows ZA = A * W.transpose(), ZP = P * W.transpose(), ZN = N * W.transpose();
    double L = xloss::nn::triplet_margin_loss(ZA, ZP, ZN, {.margin = 1.0}, xloss::nn::grad<"anchor"> = GA,
                                              xloss::nn::grad<"positive"> = GP, xloss::nn::grad<"negative"> = GN);
    W -= 0.05 * (GA.transpose() * A + GP.transpose() * P + GN.transpose() * N);
    if (step == 0) first = L;
    last = L;
    if (step % 30 == 0) std::printf("  step %3d  loss %.5f\n", step, L);
  }
  return last < 0.8 * first;
}

int main() {
  bool ok = logistic_regression();
  ok = triplet_embedding() && ok;
  std::puts(ok ? "both losses fell" : "a loss did not fall");
  return ok ? 0 : 1;
}
