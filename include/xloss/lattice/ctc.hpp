#pragma once
// CTC loss (Graves et al. 2006) with PyTorch's interface, on the lattice DP of
// ctc_lattice.hpp. See docs/ctc.md for layout, conventions and speed.
//
// Memory: with a caller-owned ctc_workspace, a call allocates nothing once
// the workspace has seen a batch at least as large (longest input, longest
// target, batch size); without one, each call builds a temporary workspace.
#include "xloss/lattice/ctc_lattice.hpp"
#include "xloss/kernel/threads.hpp"

#include "xloss/kernel/reduction.hpp"

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <stdexcept>
#include <sstream>
#include <string>
#include <vector>

namespace xloss {

namespace detail {

// Throws std::invalid_argument("xloss::ctc_loss: " + parts...). Streams
// rather than string concatenation: GCC 12 -O3 reports a false -Wrestrict in
// std::string's operator+ (GCC bug 105329).
template <class... Parts>
[[noreturn]] void ctc_fail(const Parts&... parts) {
  std::ostringstream msg;
  msg << "xloss::ctc_loss: ";
  (msg << ... << parts);
  throw std::invalid_argument(msg.str());
}

}  // namespace detail

using ctc_index = std::ptrdiff_t;

// Per-frame scores of a batch, row-major (T, N, C): entry (t, n, c) is at
// data[(t * N + n) * C + c] -- the same memory as PyTorch's contiguous
// (T, N, C) tensor, or as a row-major (T·N) × C matrix whose row t·N + n
// holds frame t of sample n. An unbatched (T, C) input is N = 1.
template <class Real>
struct ctc_frames {
  const Real* data;
  ctc_index frames;   // T
  ctc_index batch;    // N
  ctc_index classes;  // C, blank included
};

// A view of a row-major (T·N) × C Eigen matrix or map (contiguous rows).
template <class Derived>
auto ctc_view(const Eigen::DenseBase<Derived>& m, ctc_index batch) {
  static_assert(Derived::IsRowMajor, "ctc_view: the matrix must be row-major, (T*N) x C");
  using Real = typename Derived::Scalar;
  const auto& d = m.derived();
  if (d.innerStride() != 1 || d.outerStride() != d.cols())
    detail::ctc_fail("ctc_view: the matrix rows must be contiguous");
  if (batch < 1 || d.rows() % batch != 0)
    detail::ctc_fail("ctc_view: batch = ", batch, " does not divide the row count ", d.rows());
  return ctc_frames<Real>{d.data(), d.rows() / batch, batch, d.cols()};
}

// Targets: padded (N, width), only the first target_lengths[n] entries of
// row n are read; or concatenated, of size Σ target_lengths.
struct ctc_targets {
  std::span<const std::int64_t> labels;
  ctc_index width = -1;  // −1 means concatenated

  static ctc_targets padded(std::span<const std::int64_t> labels, ctc_index width) {
    return {labels, width};
  }
  static ctc_targets concatenated(std::span<const std::int64_t> labels) { return {labels, -1}; }
};

struct ctc_options {
  std::int64_t blank = 0;
  ::xloss::reduction reduction = ::xloss::reduction::mean;
  bool zero_infinity = false;  // +inf losses (impossible alignments) and their gradients become 0
};

// Optional outputs. losses: N per-sample losses (after zero_infinity, before
// reduction). grad: T·N·C, same layout as the input, the gradient of the
// returned value (see ctc_loss / ctc_loss_from_logits).
template <class Real>
struct ctc_outputs {
  std::span<Real> losses{};
  std::span<Real> grad{};
};

// Reusable per-thread buffers; batch entries are spread over `threads`
// threads of xloss's pool (the caller's thread included).
template <class Real>
class ctc_workspace {
 public:
  explicit ctc_workspace(int threads = 1) : threads_(checked(threads)), scratch_(static_cast<std::size_t>(threads)) {}
  int threads() const { return threads_; }

 private:
  template <class R>
  friend R detail_ctc_run(bool, ctc_frames<R>, ctc_targets, std::span<const std::int64_t>,
                          std::span<const std::int64_t>, const ctc_options&, ctc_outputs<R>,
                          ctc_workspace<R>&);
  static int checked(int threads) {
    if (threads < 1)
      throw std::invalid_argument("xloss::ctc_workspace: threads must be >= 1, got " + std::to_string(threads));
    return threads;
  }
  int threads_;
  std::vector<lattice::sample_scratch<Real>> scratch_;
  std::vector<ctc_index> offsets_;  // start of each sample's target
  std::vector<Real> losses_;
};

namespace detail {

// Validates everything PyTorch 1.13 leaves unchecked; fills offsets.
template <class Real>
void ctc_validate(ctc_frames<Real> x, ctc_targets targets, std::span<const std::int64_t> input_lengths,
                  std::span<const std::int64_t> target_lengths, const ctc_options& opt,
                  ctc_outputs<Real> out, std::vector<ctc_index>& offsets) {
  const ctc_index T = x.frames, N = x.batch, C = x.classes;
  if (T < 1) ctc_fail("log_probs: T (frames) must be >= 1, got ", T);
  if (N < 0) ctc_fail("log_probs: N (batch) must be >= 0, got ", N);
  if (C < 1) ctc_fail("log_probs: C (classes) must be >= 1, got ", C);
  if (x.data == nullptr && N > 0) ctc_fail("log_probs: data is null");
  if (opt.blank < 0 || opt.blank >= C) ctc_fail("blank: must be in [0, C) = [0, ", C, "), got ", opt.blank);
  if (static_cast<ctc_index>(input_lengths.size()) != N)
    ctc_fail("input_lengths: expected N = ", N, " entries, got ", input_lengths.size());
  if (static_cast<ctc_index>(target_lengths.size()) != N)
    ctc_fail("target_lengths: expected N = ", N, " entries, got ", target_lengths.size());
  if (!out.grad.empty() && static_cast<ctc_index>(out.grad.size()) != T * N * C)
    ctc_fail("grad: expected T*N*C = ", T * N * C, " entries, got ", out.grad.size());
  if (!out.losses.empty() && static_cast<ctc_index>(out.losses.size()) != N)
    ctc_fail("losses: expected N = ", N, " entries, got ", out.losses.size());
  offsets.resize(static_cast<std::size_t>(N));
  ctc_index total = 0;
  for (ctc_index b = 0; b < N; ++b) {
    const std::int64_t tb = input_lengths[b], l = target_lengths[b];
    if (tb < 1 || tb > T) ctc_fail("input_lengths[", b, "] = ", tb, ": must be in [1, T] = [1, ", T, "]");
    if (l < 0) ctc_fail("target_lengths[", b, "] = ", l, ": must be >= 0");
    if (targets.width >= 0 && l > targets.width)
      ctc_fail("target_lengths[", b, "] = ", l, ": longer than the padded targets' width S = ", targets.width);
    offsets[b] = targets.width >= 0 ? b * targets.width : total;
    total += l;
  }
  const bool padded = targets.width >= 0;
  const ctc_index need = padded ? N * targets.width : total;
  if (static_cast<ctc_index>(targets.labels.size()) != need)
    ctc_fail("targets: the ", padded ? "padded layout needs N*S = " : "concatenated layout needs sum(target_lengths) = ",
             need, " entries, got ", targets.labels.size());
  for (ctc_index b = 0; b < N; ++b)
    for (ctc_index i = 0; i < target_lengths[b]; ++i) {
      const std::int64_t y = targets.labels[offsets[b] + i];
      if (y < 0 || y >= C)
        ctc_fail("targets: sample ", b, " position ", i, " label ", y, " is out of range [0, C) = [0, ", C, ")");
      if (y == opt.blank) ctc_fail("targets: sample ", b, " position ", i, " label ", y, " equals blank");
    }
}

// log_softmax of `rows` rows of `x` (row stride `stride`) into dense `out`.
template <class Real>
void log_softmax_rows(const Real* x, ctc_index rows, ctc_index stride, ctc_index C, Real* out) {
  using Arr = Eigen::Array<Real, Eigen::Dynamic, 1>;
  for (ctc_index t = 0; t < rows; ++t) {
    const Eigen::Map<const Arr> in(x + t * stride, C);
    Eigen::Map<Arr> lp(out + t * C, C);
    const Real mx = in.maxCoeff();
    lp = in - mx;
    lp -= std::log(lp.exp().sum());
  }
}

}  // namespace detail

// The shared driver of ctc_loss and ctc_loss_from_logits.
template <class Real>
Real detail_ctc_run(bool logits, ctc_frames<Real> x, ctc_targets targets,
                    std::span<const std::int64_t> input_lengths, std::span<const std::int64_t> target_lengths,
                    const ctc_options& opt, ctc_outputs<Real> out, ctc_workspace<Real>& ws) {
  detail::ctc_validate(x, targets, input_lengths, target_lengths, opt, out, ws.offsets_);
  const ctc_index T = x.frames, N = x.batch, C = x.classes;
  const ctc_index max_t = N ? *std::max_element(input_lengths.begin(), input_lengths.end()) : 0;
  const ctc_index max_l = N ? *std::max_element(target_lengths.begin(), target_lengths.end()) : 0;
  for (auto& w : ws.scratch_) w.reserve(max_t, 2 * max_l + 1, logits ? C : 0);
  ws.losses_.resize(static_cast<std::size_t>(N));
  constexpr Real inf = std::numeric_limits<Real>::infinity();
  const bool mean = opt.reduction == reduction::mean;

  // One sample: reads only its own inputs, writes only losses_[b] and its own
  // gradient rows, so the result does not depend on the thread count.
  auto sample = [&](ctc_index b, int thread) {
    auto& w = ws.scratch_[static_cast<std::size_t>(thread)];
    const ctc_index tb = input_lengths[b], l = target_lengths[b];
    const Real* first = x.data + b * C;
    lattice::frame_view<Real> lp{first, tb, N * C};
    if (logits) {
      detail::log_softmax_rows(first, tb, N * C, C, w.lp.data());
      lp = {w.lp.data(), tb, C};
    }
    const ctc_index S = lattice::build_ctc_topology(targets.labels.subspan(ws.offsets_[b], l), opt.blank, w);
    const Real log_z = lattice::forward<lattice::log_semiring>(lp, S, w);
    const bool impossible = log_z == -inf;
    ws.losses_[b] = (impossible && opt.zero_infinity) ? Real(0) : -log_z;
    if (out.grad.empty()) return;
    const Real scale = mean ? Real(1) / (Real(N) * Real(std::max<ctc_index>(l, 1))) : Real(1);
    Real* g = out.grad.data() + b * C;
    for (ctc_index t = 0; t < T; ++t) {
      Eigen::Map<Eigen::Array<Real, Eigen::Dynamic, 1>> row(g + t * N * C, C);
      if (t >= tb || (impossible && opt.zero_infinity)) row.setZero();
      else if (impossible) row.setConstant(std::numeric_limits<Real>::quiet_NaN());
      else if (logits) row = scale * Eigen::Map<const Eigen::Array<Real, Eigen::Dynamic, 1>>(lp[t], C).exp();
      else row.setZero();
    }
    if (!impossible) lattice::add_log_posteriors(lp, S, log_z, -scale, g, N * C, w);
  };
  xloss::detail::thread_pool::instance().run(
      ws.threads_, N, [](void* body, std::ptrdiff_t b, int thread) { (*static_cast<decltype(sample)*>(body))(b, thread); },
      &sample);

  // Fixed-order combination.
  Real total = 0;
  for (ctc_index b = 0; b < N; ++b)
    total += mean ? ws.losses_[b] / Real(std::max<std::int64_t>(target_lengths[b], 1)) : ws.losses_[b];
  if (!out.losses.empty()) std::copy(ws.losses_.begin(), ws.losses_.end(), out.losses.begin());
  return mean ? total / Real(N) : total;
}

// CTC loss of log-probabilities (T, N, C). Returns the reduced loss: 'mean'
// is mean_n(loss_n / max(target_length_n, 1)); 'sum' is Σ loss_n; 'none'
// returns Σ loss_n as well (per-sample losses go to out.losses).
// out.grad receives the true derivative of the returned value with respect
// to log_probs: −scale_n · γ (γ = posterior occupancy) for t < input_length,
// 0 beyond. PyTorch returns exp(log_probs) − γ instead (docs/ctc.md).
// An impossible alignment gives loss +inf and NaN gradient rows (0 and 0 with
// zero_infinity). Throws std::invalid_argument on malformed input.
template <class Real>
Real ctc_loss(ctc_frames<Real> log_probs, ctc_targets targets, std::span<const std::int64_t> input_lengths,
              std::span<const std::int64_t> target_lengths, const ctc_options& opt = {},
              ctc_outputs<Real> out = {}, ctc_workspace<Real>* ws = nullptr) {
  if (ws) return detail_ctc_run(false, log_probs, targets, input_lengths, target_lengths, opt, out, *ws);
  ctc_workspace<Real> local;
  return detail_ctc_run(false, log_probs, targets, input_lengths, target_lengths, opt, out, local);
}

// Fused variant: takes unnormalised logits, applies log_softmax per frame,
// and out.grad receives the gradient with respect to the logits:
// scale_n · (softmax(logits) − γ) for t < input_length, 0 beyond.
template <class Real>
Real ctc_loss_from_logits(ctc_frames<Real> logits, ctc_targets targets,
                          std::span<const std::int64_t> input_lengths,
                          std::span<const std::int64_t> target_lengths, const ctc_options& opt = {},
                          ctc_outputs<Real> out = {}, ctc_workspace<Real>* ws = nullptr) {
  if (ws) return detail_ctc_run(true, logits, targets, input_lengths, target_lengths, opt, out, *ws);
  ctc_workspace<Real> local;
  return detail_ctc_run(true, logits, targets, input_lengths, target_lengths, opt, out, local);
}

}  // namespace xloss
