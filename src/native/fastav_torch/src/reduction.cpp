// Reductions over dims, cumulative sums and sorting (top-k for token pruning).
#include "handle.h"

namespace {
int32_t write_pair(std::tuple<at::Tensor, at::Tensor> pair, fat_tensor** values, fat_tensor** indices) {
  if (values == nullptr || indices == nullptr) throw std::invalid_argument("output handle pointer is null");
  *values = fat::wrap(std::get<0>(std::move(pair)));
  *indices = fat::wrap(std::get<1>(std::move(pair)));
  return 0;
}
}  // namespace

extern "C" {

fat_tensor* fat_sum(const fat_tensor* t, const int64_t* dims, int32_t ndims, int32_t keepdim) {
  FAT_GUARD(nullptr, {
    const auto& x = fat::ref(t);
    return fat::wrap(ndims == 0 ? x.sum() : x.sum(fat::dims(dims, ndims), keepdim != 0));
  })
}
fat_tensor* fat_mean(const fat_tensor* t, const int64_t* dims, int32_t ndims, int32_t keepdim) {
  FAT_GUARD(nullptr, {
    const auto& x = fat::ref(t);
    return fat::wrap(ndims == 0 ? x.mean() : x.mean(fat::dims(dims, ndims), keepdim != 0));
  })
}
fat_tensor* fat_norm(const fat_tensor* t, double p, const int64_t* dims, int32_t ndims, int32_t keepdim) {
  FAT_GUARD(nullptr, {
    const auto& x = fat::ref(t);
    return fat::wrap(ndims == 0 ? at::norm(x, p) : at::norm(x, p, fat::dims(dims, ndims), keepdim != 0));
  })
}
fat_tensor* fat_max_all(const fat_tensor* t) { FAT_TENSOR(fat::ref(t).max()) }
fat_tensor* fat_min_all(const fat_tensor* t) { FAT_TENSOR(fat::ref(t).min()) }
int32_t fat_max_dim(const fat_tensor* t, int64_t dim, int32_t keepdim, fat_tensor** values, fat_tensor** indices) {
  FAT_GUARD(-1, return write_pair(fat::ref(t).max(dim, keepdim != 0), values, indices);)
}
int32_t fat_min_dim(const fat_tensor* t, int64_t dim, int32_t keepdim, fat_tensor** values, fat_tensor** indices) {
  FAT_GUARD(-1, return write_pair(fat::ref(t).min(dim, keepdim != 0), values, indices);)
}
fat_tensor* fat_argmax(const fat_tensor* t, int64_t dim, int32_t has_dim, int32_t keepdim) {
  FAT_GUARD(nullptr, {
    c10::optional<int64_t> d = has_dim != 0 ? c10::optional<int64_t>(dim) : c10::nullopt;
    return fat::wrap(fat::ref(t).argmax(d, keepdim != 0));
  })
}
fat_tensor* fat_cumsum(const fat_tensor* t, int64_t dim) { FAT_TENSOR(fat::ref(t).cumsum(dim)) }
int32_t fat_topk(const fat_tensor* t, int64_t k, int64_t dim, int32_t largest, int32_t sorted, fat_tensor** values,
                 fat_tensor** indices) {
  FAT_GUARD(-1, return write_pair(fat::ref(t).topk(k, dim, largest != 0, sorted != 0), values, indices);)
}
int32_t fat_sort(const fat_tensor* t, int64_t dim, int32_t descending, fat_tensor** values, fat_tensor** indices) {
  // Stable, so equal keys keep their order (deterministic token ranking).
  FAT_GUARD(-1, return write_pair(fat::ref(t).sort(/*stable=*/true, dim, descending != 0), values, indices);)
}
fat_tensor* fat_argsort(const fat_tensor* t, int64_t dim, int32_t descending) {
  FAT_GUARD(nullptr, return fat::wrap(std::get<1>(fat::ref(t).sort(/*stable=*/true, dim, descending != 0)));)
}

}  // extern "C"
