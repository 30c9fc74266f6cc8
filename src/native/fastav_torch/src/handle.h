// Internal: the handle behind fat_tensor*, the live/peak counters and the one error convention
// (catch everything at the ABI, keep libtorch's message in a thread-local).
#pragma once

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "fastav_torch.h"

struct fat_tensor {
  at::Tensor value;
  int64_t bytes;  // logical size counted into the live-bytes metric at creation
};

namespace fat {

fat_tensor* wrap(at::Tensor t);
void set_error(const char* message);

inline const at::Tensor& ref(const fat_tensor* h, const char* what = "tensor") {
  if (h == nullptr) throw std::invalid_argument(std::string(what) + " handle is null");
  return h->value;
}

inline c10::optional<at::Tensor> opt(const fat_tensor* h) {
  if (h == nullptr) return c10::nullopt;
  return h->value;
}

inline at::IntArrayRef dims(const int64_t* values, int32_t count) {
  if (count < 0) throw std::invalid_argument("negative dimension count");
  if (count > 0 && values == nullptr) throw std::invalid_argument("dimension list is null");
  return at::IntArrayRef(values, static_cast<size_t>(count));
}

inline at::ScalarType dtype(int32_t code) {
  switch (code) {
    case 0: case 1: case 2: case 3: case 4: case 5: case 6: case 7: case 11: case 15:
      return static_cast<at::ScalarType>(code);
    default:
      throw std::invalid_argument("unsupported dtype code " + std::to_string(code));
  }
}

inline at::Device device(int32_t type, int32_t index) {
  if (type == 0) return at::Device(at::kCPU);
  if (type == 1) return at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(index));
  throw std::invalid_argument("unsupported device type " + std::to_string(type));
}

inline at::TensorOptions options(int32_t dtype_code, int32_t dev_type, int32_t dev_index) {
  return at::TensorOptions().dtype(dtype(dtype_code)).device(device(dev_type, dev_index));
}

std::vector<at::Tensor> list(const fat_tensor* const* ts, int32_t count);

}  // namespace fat

// Bodies of ABI functions: run the body under inference mode, turn any exception into the
// thread-local error and the function's failure value.
#define FAT_GUARD(fail_value, ...)                                        \
  try {                                                                   \
    c10::InferenceMode fat_inference_guard;                               \
    __VA_ARGS__                                                           \
  } catch (const c10::Error& e) {                                         \
    fat::set_error(e.what_without_backtrace());                           \
  } catch (const std::exception& e) {                                     \
    fat::set_error(e.what());                                             \
  } catch (...) {                                                         \
    fat::set_error("unknown native error");                               \
  }                                                                       \
  return fail_value;

#define FAT_TENSOR(...) FAT_GUARD(nullptr, return fat::wrap(__VA_ARGS__);)
#define FAT_STATUS(...) FAT_GUARD(-1, __VA_ARGS__; return 0;)
