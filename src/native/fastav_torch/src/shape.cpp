// Views and shape changes, concatenation and splitting.
#include "handle.h"

namespace {
int32_t write_list(const std::vector<at::Tensor>& parts, fat_tensor** out, int32_t capacity) {
  const auto count = static_cast<int32_t>(parts.size());
  if (out == nullptr || capacity < count) {
    throw std::invalid_argument("output holds " + std::to_string(capacity) + " handles but there are " +
                                std::to_string(count) + " parts");
  }
  for (int32_t i = 0; i < count; ++i) out[i] = fat::wrap(parts[static_cast<size_t>(i)]);
  return count;
}
}  // namespace

extern "C" {

fat_tensor* fat_reshape(const fat_tensor* t, const int64_t* shape, int32_t ndim) {
  FAT_TENSOR(fat::ref(t).reshape(fat::dims(shape, ndim)))
}
fat_tensor* fat_view(const fat_tensor* t, const int64_t* shape, int32_t ndim) {
  FAT_TENSOR(fat::ref(t).view(fat::dims(shape, ndim)))
}
fat_tensor* fat_permute(const fat_tensor* t, const int64_t* dims, int32_t ndim) {
  FAT_TENSOR(fat::ref(t).permute(fat::dims(dims, ndim)))
}
fat_tensor* fat_transpose(const fat_tensor* t, int64_t dim0, int64_t dim1) { FAT_TENSOR(fat::ref(t).transpose(dim0, dim1)) }
fat_tensor* fat_narrow(const fat_tensor* t, int64_t dim, int64_t start, int64_t length) {
  FAT_TENSOR(fat::ref(t).narrow(dim, start, length))
}
fat_tensor* fat_select(const fat_tensor* t, int64_t dim, int64_t index) { FAT_TENSOR(fat::ref(t).select(dim, index)) }
fat_tensor* fat_unsqueeze(const fat_tensor* t, int64_t dim) { FAT_TENSOR(fat::ref(t).unsqueeze(dim)) }
fat_tensor* fat_squeeze(const fat_tensor* t) { FAT_TENSOR(fat::ref(t).squeeze()) }
fat_tensor* fat_squeeze_dim(const fat_tensor* t, int64_t dim) { FAT_TENSOR(fat::ref(t).squeeze(dim)) }
fat_tensor* fat_contiguous(const fat_tensor* t) { FAT_TENSOR(fat::ref(t).contiguous()) }
fat_tensor* fat_expand(const fat_tensor* t, const int64_t* shape, int32_t ndim) {
  FAT_TENSOR(fat::ref(t).expand(fat::dims(shape, ndim)))
}
fat_tensor* fat_flatten(const fat_tensor* t, int64_t start_dim, int64_t end_dim) {
  FAT_TENSOR(fat::ref(t).flatten(start_dim, end_dim))
}
fat_tensor* fat_cat(const fat_tensor* const* ts, int32_t count, int64_t dim) { FAT_TENSOR(at::cat(fat::list(ts, count), dim)) }
fat_tensor* fat_stack(const fat_tensor* const* ts, int32_t count, int64_t dim) {
  FAT_TENSOR(at::stack(fat::list(ts, count), dim))
}

int32_t fat_split(const fat_tensor* t, int64_t split_size, int64_t dim, fat_tensor** out, int32_t capacity) {
  FAT_GUARD(-1, return write_list(fat::ref(t).split(split_size, dim), out, capacity);)
}
int32_t fat_chunk(const fat_tensor* t, int64_t chunks, int64_t dim, fat_tensor** out, int32_t capacity) {
  FAT_GUARD(-1, return write_list(fat::ref(t).chunk(chunks, dim), out, capacity);)
}

}  // extern "C"
