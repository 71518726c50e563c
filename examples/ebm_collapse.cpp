// Why energy-based models need a contrastive loss (ebm_losses.md §1.2, §3.1).
//
// A linear energy model E(W, y, x) = −W_y·x scores K classes of a synthetic,
// unbalanced data set. It is trained by plain minibatch SGD once with each EBM
// loss: the fused kernel gives ∂L/∂E (N×K), and the chain rule through
// E = −X·Wᵀ gives ∂L/∂W = −(∂L/∂E)ᵀ·X by hand. The table shows that the energy
// loss alone, which only pulls the correct energy down, drives every energy
// down together — the most frequent class wins everywhere — while the losses
// with a contrastive term learn to separate the classes.
#include <cstdio>
#include <random>
#include <string>

#include <xloss/ebm/ebm.hpp>

namespace ebm = xloss::ebm;
using xloss::nn::grad;
using Eigen::MatrixXd;
using Eigen::VectorXi;

namespace {

constexpr int K = 4, D = 6;

struct data_set {
  MatrixXd X;  // N×D features
  VectorXi y;  // N labels
};

// Gaussian classes around fixed centres that share a common offset (every
// feature vector points roughly the same way), with class frequencies
// 40/30/20/10 %.
data_set make_data(int n, std::mt19937& gen) {
  std::mt19937 centres_gen(7);  // the same centres for train and test
  std::normal_distribution<double> normal(0.0, 1.0);
  MatrixXd centres(K, D);
  for (int c = 0; c < K; ++c)
    for (int f = 0; f < D; ++f) centres(c, f) = 4.0 + normal(centres_gen);
  std::discrete_distribution<int> pick_class({4, 3, 2, 1});
  data_set s{MatrixXd(n, D), VectorXi(n)};
  for (int i = 0; i < n; ++i) {
    s.y[i] = pick_class(gen);
    for (int f = 0; f < D; ++f) s.X(i, f) = centres(s.y[i], f) + normal(gen);
  }
  return s;
}

struct scores {
  double accuracy, mean_energy, spread, margin;
};

// Accuracy of argmin_y E; mean energy; mean spread max_j E_j − min_j E_j; mean
// margin E_I − E_C (positive: the correct answer wins by that much).
scores evaluate_model(const MatrixXd& W, const data_set& s) {
  MatrixXd E = -s.X * W.transpose();
  scores r{0, E.mean(), 0, 0};
  for (int i = 0; i < E.rows(); ++i) {
    Eigen::Index best;
    E.row(i).minCoeff(&best);
    r.accuracy += best == s.y[i];
    r.spread += E.row(i).maxCoeff() - E.row(i).minCoeff();
    double lowest_incorrect = INFINITY;
    for (int q = 0; q < K; ++q)
      if (q != s.y[i]) lowest_incorrect = std::min(lowest_incorrect, E(i, q));
    r.margin += lowest_incorrect - E(i, s.y[i]);
  }
  double n = static_cast<double>(E.rows());
  return {r.accuracy / n, r.mean_energy, r.spread / n, r.margin / n};
}

// Trains W from the same start with loss_grad(E, y, G) writing ∂L/∂E into G.
template <class LossGrad>
MatrixXd train(LossGrad loss_grad, const data_set& train_set) {
  std::mt19937 gen(3);
  std::normal_distribution<double> normal(0.0, 0.01);
  MatrixXd W(K, D);
  for (int c = 0; c < K; ++c)
    for (int f = 0; f < D; ++f) W(c, f) = normal(gen);
  const int batch = 50, epochs = 60;
  const double rate = 0.02;
  MatrixXd G;
  for (int epoch = 0; epoch < epochs; ++epoch)
    for (int start = 0; start + batch <= train_set.X.rows(); start += batch) {
      MatrixXd X = train_set.X.middleRows(start, batch);
      VectorXi y = train_set.y.segment(start, batch);
      MatrixXd E = -X * W.transpose();
      loss_grad(E, y, G);
      W -= rate * (-G.transpose() * X);
    }
  return W;
}

template <class LossGrad>
void row(const char* name, LossGrad loss_grad, const data_set& train_set, const data_set& test_set) {
  MatrixXd W = train(loss_grad, train_set);
  scores tr = evaluate_model(W, train_set), te = evaluate_model(W, test_set);
  std::printf("| %-22s | %5.1f %% | %5.1f %% | %12.4g | %12.4g | %12.4g |\n", name, 100 * tr.accuracy,
              100 * te.accuracy, te.mean_energy, te.spread, te.margin);
}

}  // namespace

int main() {
  std::mt19937 gen(2024);
  data_set train_set = make_data(1000, gen), test_set = make_data(1000, gen);
  std::printf("| %-22s | %7s | %7s | %12s | %12s | %12s |\n", "loss", "train", "test", "mean E", "spread",
              "E_I - E_C");
  std::printf("|------------------------|---------|---------|--------------|--------------|--------------|\n");
  row("energy", [](const MatrixXd& E, const VectorXi& y, MatrixXd& G) { ebm::energy(E, y, {}, grad<"E"> = G); },
      train_set, test_set);
  row("perceptron", [](const MatrixXd& E, const VectorXi& y, MatrixXd& G) { ebm::perceptron(E, y, {}, grad<"E"> = G); },
      train_set, test_set);
  row("hinge (m = 1)", [](const MatrixXd& E, const VectorXi& y, MatrixXd& G) { ebm::hinge(E, y, {.m = 1}, grad<"E"> = G); },
      train_set, test_set);
  row("log", [](const MatrixXd& E, const VectorXi& y, MatrixXd& G) { ebm::log(E, y, {}, grad<"E"> = G); },
      train_set, test_set);
  row("LVQ2 (M = 1)", [](const MatrixXd& E, const VectorXi& y, MatrixXd& G) { ebm::lvq2_diff(E, y, {.M = 1}, grad<"E"> = G); },
      train_set, test_set);
  row("MCE", [](const MatrixXd& E, const VectorXi& y, MatrixXd& G) { ebm::mce(E, y, {}, grad<"E"> = G); },
      train_set, test_set);
  row("square-square (m = 1)",
      [](const MatrixXd& E, const VectorXi& y, MatrixXd& G) { ebm::square_square(E, y, {.m = 1}, grad<"E"> = G); },
      train_set, test_set);
  row("square-exp (gamma = 1)",
      [](const MatrixXd& E, const VectorXi& y, MatrixXd& G) { ebm::square_exp(E, y, {.gamma = 1}, grad<"E"> = G); },
      train_set, test_set);
  row("NLL (beta = 1)", [](const MatrixXd& E, const VectorXi& y, MatrixXd& G) { ebm::nll(E, y, {.beta = 1}, grad<"E"> = G); },
      train_set, test_set);
  row("MEE (beta = 1)", [](const MatrixXd& E, const VectorXi& y, MatrixXd& G) { ebm::mee(E, y, {.beta = 1}, grad<"E"> = G); },
      train_set, test_set);
  return 0;
}
