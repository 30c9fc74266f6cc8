// Creation, host <-> tensor copies, dtype/device conversion and in-place fills.
#include "handle.h"

#include <cstring>

namespace {
int64_t checked_numel(at::IntArrayRef shape) {
  int64_t n = 1;
  for (int64_t s : shape) {
    if (s < 0) throw std::invalid_argument("negative dimension " + std::to_string(s) + " in shape");
    if (s != 0 && n > INT64_MAX / s) throw std::invalid_argument("shape has too many elements");
    n *= s;
  }
  return n;
}
}  // namespace

extern "C" {

fat_tensor* fat_from_data(const void* data, int64_t nbytes, const int64_t* shape, int32_t ndim, int32_t dtype) {
  FAT_GUARD(nullptr, {
    auto sizes = fat::dims(shape, ndim);
    auto type = fat::dtype(dtype);
    const int64_t need = checked_numel(sizes) * static_cast<int64_t>(c10::elementSize(type));
    if (need != nbytes) {
      throw std::invalid_argument("data has " + std::to_string(nbytes) + " bytes but shape " +
                                  c10::str(sizes) + " of " + c10::toString(type) + " needs " + std::to_string(need));
    }
    if (need > 0 && data == nullptr) throw std::invalid_argument("data pointer is null");
    auto t = at::empty(sizes, at::TensorOptions().dtype(type));
    if (need > 0) std::memcpy(t.data_ptr(), data, static_cast<size_t>(need));
    return fat::wrap(std::move(t));
  })
}

int32_t fat_copy_to_host(const fat_tensor* t, void* dst, int64_t nbytes) {
  FAT_STATUS({
    auto host = fat::ref(t).to(at::kCPU).contiguous();
    const int64_t have = host.numel() * static_cast<int64_t>(host.element_size());
    if (have != nbytes) {
      throw std::invalid_argument("destination has " + std::to_string(nbytes) + " bytes but the tensor has " +
                                  std::to_string(have));
    }
    if (have > 0) std::memcpy(dst, host.data_ptr(), static_cast<size_t>(have));
  })
}

fat_tensor* fat_empty(const int64_t* shape, int32_t ndim, int32_t dtype, int32_t dev_type, int32_t dev_index) {
  FAT_TENSOR(at::empty(fat::dims(shape, ndim), fat::options(dtype, dev_type, dev_index)))
}
fat_tensor* fat_zeros(const int64_t* shape, int32_t ndim, int32_t dtype, int32_t dev_type, int32_t dev_index) {
  FAT_TENSOR(at::zeros(fat::dims(shape, ndim), fat::options(dtype, dev_type, dev_index)))
}
fat_tensor* fat_ones(const int64_t* shape, int32_t ndim, int32_t dtype, int32_t dev_type, int32_t dev_index) {
  FAT_TENSOR(at::ones(fat::dims(shape, ndim), fat::options(dtype, dev_type, dev_index)))
}
fat_tensor* fat_full(const int64_t* shape, int32_t ndim, double value, int32_t dtype, int32_t dev_type, int32_t dev_index) {
  FAT_TENSOR(at::full(fat::dims(shape, ndim), value, fat::options(dtype, dev_type, dev_index)))
}
fat_tensor* fat_arange(double start, double end, double step, int32_t dtype, int32_t dev_type, int32_t dev_index) {
  FAT_TENSOR(at::arange(start, end, step, fat::options(dtype, dev_type, dev_index)))
}
fat_tensor* fat_randn(const int64_t* shape, int32_t ndim, int32_t dtype, int32_t dev_type, int32_t dev_index) {
  FAT_TENSOR(at::randn(fat::dims(shape, ndim), fat::options(dtype, dev_type, dev_index)))
}
fat_tensor* fat_rand(const int64_t* shape, int32_t ndim, int32_t dtype, int32_t dev_type, int32_t dev_index) {
  FAT_TENSOR(at::rand(fat::dims(shape, ndim), fat::options(dtype, dev_type, dev_index)))
}
fat_tensor* fat_randint(int64_t low, int64_t high, const int64_t* shape, int32_t ndim, int32_t dtype, int32_t dev_type,
                        int32_t dev_index) {
  FAT_TENSOR(at::randint(low, high, fat::dims(shape, ndim), fat::options(dtype, dev_type, dev_index)))
}
fat_tensor* fat_randperm(int64_t n, int32_t dtype, int32_t dev_type, int32_t dev_index) {
  FAT_TENSOR(at::randperm(n, fat::options(dtype, dev_type, dev_index)))
}
fat_tensor* fat_to(const fat_tensor* t, int32_t dtype, int32_t dev_type, int32_t dev_index) {
  FAT_TENSOR(fat::ref(t).to(fat::device(dev_type, dev_index), fat::dtype(dtype)))
}
fat_tensor* fat_clone(const fat_tensor* t) { FAT_TENSOR(fat::ref(t).clone()) }
fat_tensor* fat_alias(const fat_tensor* t) { FAT_TENSOR(fat::ref(t)) }
int32_t fat_copy_(fat_tensor* dst, const fat_tensor* src) {
  FAT_STATUS(at::Tensor d = fat::ref(dst, "destination"); d.copy_(fat::ref(src, "source")))
}
int32_t fat_fill_(fat_tensor* t, double value) { FAT_STATUS(at::Tensor d = fat::ref(t); d.fill_(value)) }

}  // extern "C"
