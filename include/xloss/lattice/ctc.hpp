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
#include <string_view>
#include <vector>

namespace xloss {

namespace detail {

// Throws std::invalid_argument("xloss::<who>: " + parts...). Streams
// rather than string concatenation: GCC 12 -O3 reports a false -Wrestrict in
// std::string's operator+ (GCC bug 105329).
template <class... Parts>
[[noreturn]] void ctc_fail_in(std::string_view who, const Parts&... parts) {
  std::ostringstream msg;
  msg << "xloss::" << who << ": ";
  (msg << ... << parts);
  throw std::invalid_argument(msg.str());
}
template <class... Parts>
[[noreturn]] void ctc_fail(const Parts&... parts) {
  ctc_fail_in("ctc_loss", parts...);
}

template <class Real>
struct ctc_pass;

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
  friend struct detail::ctc_pass<Real>;
  static int checked(int threads) {
    if (threads < 1)
      throw std::invalid_argument("xloss::ctc_workspace: threads must be >= 1, got " + std::to_string(threads));
    return threads;
  }
  int threads_;
  std::vector<lattice::sample_scratch<Real>> scratch_;  // one per thread
  std::vector<ctc_index> offsets_;  // start of each sample's target
  std::vector<Real> losses_;        // per sample, after zero_infinity
  std::vector<unsigned char> zeroed_;  // per sample: impossible, and zero_infinity made it 0
  std::vector<Real> adjoints_;      // per sample: d loss / d loss_n (ctc_term.hpp)
};

namespace detail {

// Validates everything PyTorch 1.13 leaves unchecked; fills offsets.
// `who` names the entry point in messages and `grad_name` the gradient
// output, both as the caller spells them.
template <class Real>
void ctc_validate(ctc_frames<Real> x, ctc_targets targets, std::span<const std::int64_t> input_lengths,
                  std::span<const std::int64_t> target_lengths, const ctc_options& opt,
                  ctc_outputs<Real> out, std::vector<ctc_index>& offsets, std::string_view who = "ctc_loss",
                  std::string_view grad_name = "grad") {
  auto fail = [who](const auto&... parts) { ctc_fail_in(who, parts...); };
  const ctc_index T = x.frames, N = x.batch, C = x.classes;
  if (T < 1) fail("log_probs: T (frames) must be >= 1, got ", T);
  if (N < 0) fail("log_probs: N (batch) must be >= 0, got ", N);
  if (C < 1) fail("log_probs: C (classes) must be >= 1, got ", C);
  if (x.data == nullptr && N > 0) fail("log_probs: data is null");
  if (opt.blank < 0 || opt.blank >= C) fail("blank: must be in [0, C) = [0, ", C, "), got ", opt.blank);
  if (static_cast<ctc_index>(input_lengths.size()) != N)
    fail("input_lengths: expected N = ", N, " entries, got ", input_lengths.size());
  if (static_cast<ctc_index>(target_lengths.size()) != N)
    fail("target_lengths: expected N = ", N, " entries, got ", target_lengths.size());
  if (!out.grad.empty() && static_cast<ctc_index>(out.grad.size()) != T * N * C)
    fail(grad_name, ": expected T*N*C = ", T * N * C, " entries, got ", out.grad.size());
  if (!out.losses.empty() && static_cast<ctc_index>(out.losses.size()) != N)
    fail("losses: expected N = ", N, " entries, got ", out.losses.size());
  offsets.resize(static_cast<std::size_t>(N));
  ctc_index total = 0;
  for (ctc_index b = 0; b < N; ++b) {
    const std::int64_t tb = input_lengths[b], l = target_lengths[b];
    if (tb < 1 || tb > T) fail("input_lengths[", b, "] = ", tb, ": must be in [1, T] = [1, ", T, "]");
    if (l < 0) fail("target_lengths[", b, "] = ", l, ": must be >= 0");
    if (targets.width >= 0 && l > targets.width)
      fail("target_lengths[", b, "] = ", l, ": longer than the padded targets' width S = ", targets.width);
    offsets[b] = targets.width >= 0 ? b * targets.width : total;
    total += l;
  }
  const bool padded = targets.width >= 0;
  const ctc_index need = padded ? N * targets.width : total;
  if (static_cast<ctc_index>(targets.labels.size()) != need)
    fail("targets: the ", padded ? "padded layout needs N*S = " : "concatenated layout needs sum(target_lengths) = ",
         need, " entries, got ", targets.labels.size());
  for (ctc_index b = 0; b < N; ++b)
    for (ctc_index i = 0; i < target_lengths[b]; ++i) {
      const std::int64_t y = targets.labels[offsets[b] + i];
      if (y < 0 || y >= C)
        fail("targets: sample ", b, " position ", i, " label ", y, " is out of range [0, C) = [0, ", C, ")");
      if (y == opt.blank) fail("targets: sample ", b, " position ", i, " label ", y, " equals blank");
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

namespace detail {

// The alpha-beta pass over a batch, shared by ctc_loss, ctc_loss_from_logits
// and the DSL term (ctc_term.hpp); the only code that touches a workspace.
template <class Real>
struct ctc_pass {
  // Validates, then runs every sample on `threads` threads and returns the
  // per-sample losses (after zero_infinity; they live in the workspace).
  // If out.grad is given, sample n's gradient rows receive scale(n) times
  // the derivative of its loss: −γ, or softmax(logits) − γ when `logits`
  // (log_softmax applied per frame first); NaN rows for an impossible
  // alignment (0 with zero_infinity); 0 beyond its input length.
  template <class Scale>
  static std::span<const Real> run(bool logits, ctc_frames<Real> x, ctc_targets targets,
                                   std::span<const std::int64_t> input_lengths,
                                   std::span<const std::int64_t> target_lengths, const ctc_options& opt,
                                   ctc_outputs<Real> out, int threads, const Scale& scale, ctc_workspace<Real>& ws,
                                   std::string_view who = "ctc_loss", std::string_view grad_name = "grad") {
    ctc_validate(x, targets, input_lengths, target_lengths, opt, out, ws.offsets_, who, grad_name);
    const ctc_index T = x.frames, N = x.batch, C = x.classes;
    const ctc_index max_t = N ? *std::max_element(input_lengths.begin(), input_lengths.end()) : 0;
    const ctc_index max_l = N ? *std::max_element(target_lengths.begin(), target_lengths.end()) : 0;
    if (ws.scratch_.size() < static_cast<std::size_t>(threads)) ws.scratch_.resize(static_cast<std::size_t>(threads));
    for (auto& w : ws.scratch_) w.reserve(max_t, 2 * max_l + 1, logits ? C : 0);
    ws.losses_.resize(static_cast<std::size_t>(N));
    ws.zeroed_.resize(static_cast<std::size_t>(N));
    constexpr Real inf = std::numeric_limits<Real>::infinity();

    // One sample: reads only its own inputs, writes only its own slots and
    // gradient rows, so the result does not depend on the thread count.
    auto sample = [&](ctc_index b, int thread) {
      auto& w = ws.scratch_[static_cast<std::size_t>(thread)];
      const ctc_index tb = input_lengths[b], l = target_lengths[b];
      const Real* first = x.data + b * C;
      lattice::frame_view<Real> lp{first, tb, N * C};
      if (logits) {
        log_softmax_rows(first, tb, N * C, C, w.lp.data());
        lp = {w.lp.data(), tb, C};
      }
      const ctc_index S = lattice::build_ctc_topology(targets.labels.subspan(ws.offsets_[b], l), opt.blank, w);
      const Real log_z = lattice::forward<lattice::log_semiring>(lp, S, w);
      const bool impossible = log_z == -inf;
      ws.zeroed_[b] = impossible && opt.zero_infinity;
      ws.losses_[b] = ws.zeroed_[b] ? Real(0) : -log_z;
      if (out.grad.empty()) return;
      const Real g_n = scale(b);
      Real* g = out.grad.data() + b * C;
      for (ctc_index t = 0; t < T; ++t) {
        Eigen::Map<Eigen::Array<Real, Eigen::Dynamic, 1>> row(g + t * N * C, C);
        if (t >= tb || ws.zeroed_[b]) row.setZero();
        else if (impossible) row.setConstant(std::numeric_limits<Real>::quiet_NaN());
        else if (logits) row = g_n * Eigen::Map<const Eigen::Array<Real, Eigen::Dynamic, 1>>(lp[t], C).exp();
        else row.setZero();
      }
      if (!impossible) lattice::add_log_posteriors(lp, S, log_z, -g_n, g, N * C, w);
    };
    auto task = [](void* body, std::ptrdiff_t b, int thread) { (*static_cast<decltype(sample)*>(body))(b, thread); };
    xloss::detail::thread_pool::instance().run(threads, N, task, &sample);
    return ws.losses_;
  }

  // Per-sample flags of the last run: impossible and zeroed by zero_infinity.
  static std::span<const unsigned char> zeroed(const ctc_workspace<Real>& ws) { return ws.zeroed_; }

  // N per-sample slots for the adjoints d loss / d loss_n of a DSL term.
  static std::span<Real> adjoints(ctc_workspace<Real>& ws, ctc_index N) {
    ws.adjoints_.resize(static_cast<std::size_t>(N));
    return ws.adjoints_;
  }
};

// The driver of ctc_loss and ctc_loss_from_logits: the pass with PyTorch's
// reduction scales, then the fixed-order combination.
template <class Real>
Real ctc_reduced(bool logits, ctc_frames<Real> x, ctc_targets targets, std::span<const std::int64_t> input_lengths,
                 std::span<const std::int64_t> target_lengths, const ctc_options& opt, ctc_outputs<Real> out,
                 ctc_workspace<Real>& ws) {
  const ctc_index N = x.batch;
  const bool mean = opt.reduction == reduction::mean;
  auto scale = [&](ctc_index b) {
    return mean ? Real(1) / (Real(N) * Real(std::max<std::int64_t>(target_lengths[b], 1))) : Real(1);
  };
  const auto losses =
      ctc_pass<Real>::run(logits, x, targets, input_lengths, target_lengths, opt, out, ws.threads(), scale, ws);
  Real total = 0;
  for (ctc_index b = 0; b < N; ++b)
    total += mean ? losses[b] / Real(std::max<std::int64_t>(target_lengths[b], 1)) : losses[b];
  if (!out.losses.empty()) std::copy(losses.begin(), losses.end(), out.losses.begin());
  return mean ? total / Real(N) : total;
}

}  // namespace detail

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
  if (ws) return detail::ctc_reduced(false, log_probs, targets, input_lengths, target_lengths, opt, out, *ws);
  ctc_workspace<Real> local;
  return detail::ctc_reduced(false, log_probs, targets, input_lengths, target_lengths, opt, out, local);
}

// Fused variant: takes unnormalised logits, applies log_softmax per frame,
// and out.grad receives the gradient with respect to the logits:
// scale_n · (softmax(logits) − γ) for t < input_length, 0 beyond.
template <class Real>
Real ctc_loss_from_logits(ctc_frames<Real> logits, ctc_targets targets,
                          std::span<const std::int64_t> input_lengths,
                          std::span<const std::int64_t> target_lengths, const ctc_options& opt = {},
                          ctc_outputs<Real> out = {}, ctc_workspace<Real>* ws = nullptr) {
  if (ws) return detail::ctc_reduced(true, logits, targets, input_lengths, target_lengths, opt, out, *ws);
  ctc_workspace<Real> local;
  return detail::ctc_reduced(true, logits, targets, input_lengths, target_lengths, opt, out, local);
}

}  // namespace xloss
