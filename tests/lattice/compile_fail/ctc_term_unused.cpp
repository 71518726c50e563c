// Must not compile: the loss given to evaluate_ctc does not use a ctc_term.
#include <xloss/lattice/ctc_term.hpp>
#include <xloss/xloss.hpp>

#include <vector>

int main() {
  constexpr auto len = xloss::scalar<"len">;
  std::vector<float> lp(12, -1.0f);
  std::vector<std::int64_t> y{1}, il{3}, tl{1};
  Eigen::VectorXf Len = Eigen::VectorXf::Ones(1);
  return static_cast<int>(xloss::evaluate_ctc(len * len, xloss::reduction::sum,
                                              xloss::ctc_input(xloss::ctc_frames<float>{lp.data(), 3, 1, 4},
                                                               xloss::ctc_targets::concatenated(y), il, tl),
                                              len = Len));
}
