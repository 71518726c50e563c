// One translation unit per loss (loss_*.cpp) registers its benchmarks, so
// that the fused kernels compile in parallel. keep: only the *_keep
// variants (registered after everything else, see variants.hpp), else all others.
#pragma once

namespace rows_report {

void register_triplet_margin_loss(bool keep);
void register_cosine_embedding_loss(bool keep);
void register_cross_entropy(bool keep);
void register_nll_loss(bool keep);
void register_multi_margin_loss(bool keep);
void register_multilabel_soft_margin_loss(bool keep);
void register_multilabel_margin_loss(bool keep);
void register_ctc_loss(bool keep);

}  // namespace rows_report
