// Gathering, scattering and masked selection (KV-cache compaction runs on these).
#include "handle.h"

#include <ATen/core/List.h>

extern "C" {

fat_tensor* fat_index_select(const fat_tensor* t, int64_t dim, const fat_tensor* index) {
  FAT_TENSOR(fat::ref(t).index_select(dim, fat::ref(index, "index")))
}
fat_tensor* fat_gather(const fat_tensor* t, int64_t dim, const fat_tensor* index) {
  FAT_TENSOR(fat::ref(t).gather(dim, fat::ref(index, "index")))
}
fat_tensor* fat_scatter(const fat_tensor* t, int64_t dim, const fat_tensor* index, const fat_tensor* src) {
  FAT_TENSOR(fat::ref(t).scatter(dim, fat::ref(index, "index"), fat::ref(src, "source")))
}
fat_tensor* fat_masked_select(const fat_tensor* t, const fat_tensor* mask) {
  FAT_TENSOR(fat::ref(t).masked_select(fat::ref(mask, "mask")))
}
fat_tensor* fat_masked_fill(const fat_tensor* t, const fat_tensor* mask, double value) {
  FAT_TENSOR(fat::ref(t).masked_fill(fat::ref(mask, "mask"), value))
}
fat_tensor* fat_where(const fat_tensor* cond, const fat_tensor* a, const fat_tensor* b) {
  FAT_TENSOR(at::where(fat::ref(cond, "condition"), fat::ref(a), fat::ref(b)))
}

}  // extern "C"

namespace {
c10::List<c10::optional<at::Tensor>> index_list(const fat_tensor* const* indices, int32_t count) {
  if (count < 0) throw std::invalid_argument("negative index count");
  if (count > 0 && indices == nullptr) throw std::invalid_argument("index list is null");
  c10::List<c10::optional<at::Tensor>> list;
  list.reserve(static_cast<size_t>(count));
  for (int32_t i = 0; i < count; ++i) {
    if (indices[i] == nullptr) {
      list.push_back(c10::nullopt);
    } else {
      list.push_back(c10::optional<at::Tensor>(indices[i]->value));
    }
  }
  return list;
}
}  // namespace

extern "C" {

int32_t fat_index_put_(fat_tensor* t, const fat_tensor* const* indices, int32_t count, const fat_tensor* values,
                       int32_t accumulate) {
  FAT_STATUS(at::Tensor d = fat::ref(t); d.index_put_(index_list(indices, count), fat::ref(values, "values"), accumulate != 0))
}
fat_tensor* fat_index(const fat_tensor* t, const fat_tensor* const* indices, int32_t count) {
  FAT_TENSOR(fat::ref(t).index(index_list(indices, count)))
}

}  // extern "C"
