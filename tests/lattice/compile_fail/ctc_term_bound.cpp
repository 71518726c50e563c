// Must not compile: the ctc_term is bound to data by the caller.
#include <xloss/lattice/ctc_term.hpp>
#include <xloss/xloss.hpp>

#include <vector>

int main() {
  constexpr auto c = xloss::ctc_term<"ctc">;
  std::vector<float> lp(12, -1.0f);
  std::vector<std::int64_t> y{1}, il{3}, tl{1};
  Eigen::VectorXf C = Eigen::VectorXf::Ones(1);
  return static_cast<int>(xloss::evaluate_ctc(c, xloss::reduction::sum,
                                              xloss::ctc_input(xloss::ctc_frames<float>{lp.data(), 3, 1, 4},
                                                               xloss::ctc_targets::concatenated(y), il, tl),
                                              c = C));
}
