// Malformed input: every case throws std::invalid_argument naming the
// argument and the problem (PyTorch 1.13 returns garbage for several).
#include <boost/test/unit_test.hpp>

#include "ctc_test_util.hpp"

#include <xloss/lattice/ctc_viterbi.hpp>

#include <functional>
#include <string>
#include <vector>

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

struct fixture {
  long T = 5, N = 2, C = 4;
  std::vector<double> lp = std::vector<double>(40, -1.0);
  std::vector<std::int64_t> il{5, 4}, tl{2, 1}, y{1, 2, 3};  // concatenated
  std::vector<std::int64_t> padded{1, 2, 3, 0};              // (2, 2)

  void run(const xloss::ctc_frames<double>& x, xloss::ctc_targets tg, std::vector<std::int64_t> in,
           std::vector<std::int64_t> tgl, xloss::ctc_options opt = {}, xloss::ctc_outputs<double> out = {}) {
    xloss::ctc_loss(x, tg, in, tgl, opt, out);
  }
  xloss::ctc_frames<double> x() { return {lp.data(), T, N, C}; }
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(valid_baseline_does_not_throw, fixture) {
  BOOST_CHECK_NO_THROW(run(x(), xloss::ctc_targets::concatenated(y), il, tl));
  BOOST_CHECK_NO_THROW(run(x(), xloss::ctc_targets::padded(padded, 2), il, tl));
}

BOOST_FIXTURE_TEST_CASE(bad_shapes_and_lengths, fixture) {
  const auto tg = xloss::ctc_targets::concatenated(y);
  expect_error([&] { run({lp.data(), 0, N, C}, tg, il, tl); }, "log_probs: T (frames) must be >= 1");
  expect_error([&] { run({lp.data(), T, N, 0}, tg, il, tl); }, "log_probs: C (classes) must be >= 1");
  expect_error([&] { run({lp.data(), T, -1, C}, tg, il, tl); }, "log_probs: N (batch) must be >= 0");
  expect_error([&] { run(x(), tg, {5}, tl); }, "input_lengths: expected N = 2 entries, got 1");
  expect_error([&] { run(x(), tg, il, {2, 1, 0}); }, "target_lengths: expected N = 2 entries, got 3");
  expect_error([&] { run(x(), tg, {5, 0}, tl); }, "input_lengths[1] = 0: must be in [1, T]");
  expect_error([&] { run(x(), tg, {-3, 4}, tl); }, "input_lengths[0] = -3: must be in [1, T]");
  expect_error([&] { run(x(), tg, {6, 4}, tl); }, "input_lengths[0] = 6: must be in [1, T] = [1, 5]");
  expect_error([&] { run(x(), tg, il, {-1, 1}); }, "target_lengths[0] = -1: must be >= 0");
  expect_error([&] { run(x(), xloss::ctc_targets::padded(padded, 2), il, {3, 1}); },
               "target_lengths[0] = 3: longer than the padded targets' width S = 2");
  expect_error([&] { run(x(), tg, il, {2, 2}); }, "concatenated layout needs sum(target_lengths) = 4 entries, got 3");
  expect_error([&] { run(x(), xloss::ctc_targets::padded(y, 2), il, tl); }, "padded layout needs N*S = 4 entries, got 3");
  std::vector<double> short_grad(39), short_losses(1);
  expect_error([&] { run(x(), tg, il, tl, {}, {.grad = short_grad}); }, "grad: expected T*N*C = 40 entries, got 39");
  expect_error([&] { run(x(), tg, il, tl, {}, {.losses = short_losses}); }, "losses: expected N = 2 entries, got 1");
}

BOOST_FIXTURE_TEST_CASE(bad_labels_and_blank, fixture) {
  expect_error([&] { run(x(), xloss::ctc_targets::concatenated(y), il, tl, {.blank = 4}); },
               "blank: must be in [0, C) = [0, 4), got 4");
  expect_error([&] { run(x(), xloss::ctc_targets::concatenated(y), il, tl, {.blank = -1}); }, "blank: must be in");
  const std::vector<std::int64_t> too_big{1, 4, 3}, negative{1, 2, -2}, blank_label{1, 2, 0};
  expect_error([&] { run(x(), xloss::ctc_targets::concatenated(too_big), il, tl); },
               "targets: sample 0 position 1 label 4 is out of range [0, C) = [0, 4)");
  expect_error([&] { run(x(), xloss::ctc_targets::concatenated(negative), il, tl); },
               "targets: sample 1 position 0 label -2 is out of range");
  expect_error([&] { run(x(), xloss::ctc_targets::concatenated(blank_label), il, tl); },
               "targets: sample 1 position 0 label 0 equals blank");
}

BOOST_FIXTURE_TEST_CASE(single_sample_entry_points_validate_too, fixture) {
  const xloss::ctc_frames<double> one{lp.data(), T, 1, C};
  std::vector<std::int64_t> path(5), short_path(4);
  std::vector<double> grad(19);
  const std::vector<std::int64_t> target{1, 2};
  expect_error([&] { xloss::ctc_best_alignment(x(), std::span<const std::int64_t>(target), 0, std::span(path)); },
               "a single sample (N = 1) is expected");
  expect_error([&] { xloss::ctc_best_alignment(one, std::span<const std::int64_t>(target), 0, std::span(short_path)); },
               "path: expected T = 5 entries, got 4");
  expect_error([&] { xloss::ctc_perceptron_loss(one, std::span<const std::int64_t>(target), 0, std::span(grad)); },
               "grad: expected T*C = 20 entries, got 19");
  expect_error([&] { xloss::ctc_hinge_loss(one, std::span<const std::int64_t>(target), 7, 1.0); }, "blank: must be in");
}
