// CUDA queries. On a CPU-only libtorch the same entry points answer "no CUDA".
#include "handle.h"

#include <torch/cuda.h>

#include <cstring>

#ifdef FASTAV_TORCH_CUDA
#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDACachingAllocator.h>
#endif

namespace {
void check_cuda_index(int32_t index) {
  const auto count = static_cast<int32_t>(torch::cuda::device_count());
  if (count == 0) throw std::runtime_error("CUDA is not available in this libtorch build or on this machine");
  if (index < 0 || index >= count) {
    throw std::invalid_argument("CUDA device index " + std::to_string(index) + " out of range [0, " + std::to_string(count) + ")");
  }
}
}  // namespace

extern "C" {

int32_t fat_cuda_is_available(void) { FAT_GUARD(0, return torch::cuda::is_available() ? 1 : 0;) }
int32_t fat_cuda_device_count(void) { FAT_GUARD(0, return static_cast<int32_t>(torch::cuda::device_count());) }

int32_t fat_cuda_device_name(int32_t index, char* out, int32_t capacity) {
  FAT_STATUS({
    check_cuda_index(index);
    if (out == nullptr || capacity < 1) throw std::invalid_argument("name buffer is empty");
#ifdef FASTAV_TORCH_CUDA
    std::string name = at::cuda::getDeviceProperties(static_cast<c10::DeviceIndex>(index))->name;
#else
    std::string name;
#endif
    std::strncpy(out, name.c_str(), static_cast<size_t>(capacity) - 1);
    out[capacity - 1] = '\0';
  })
}

int32_t fat_cuda_synchronize(int32_t index) { FAT_STATUS(check_cuda_index(index); torch::cuda::synchronize(index)) }

int64_t fat_cuda_memory(int32_t index, int32_t which) {
  FAT_GUARD(-1, {
    if (which < 0 || which > 3) throw std::invalid_argument("unknown memory statistic " + std::to_string(which));
    check_cuda_index(index);
#ifdef FASTAV_TORCH_CUDA
    // Stat index 0 is the aggregate over small and large pools.
    auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(static_cast<c10::DeviceIndex>(index));
    switch (which) {
      case 0: return static_cast<int64_t>(stats.allocated_bytes[0].current);
      case 1: return static_cast<int64_t>(stats.reserved_bytes[0].current);
      case 2: return static_cast<int64_t>(stats.allocated_bytes[0].peak);
      default: return static_cast<int64_t>(stats.reserved_bytes[0].peak);
    }
#else
    return int64_t{0};
#endif
  })
}

int32_t fat_cuda_reset_peak(int32_t index) {
  FAT_STATUS({
    check_cuda_index(index);
#ifdef FASTAV_TORCH_CUDA
    c10::cuda::CUDACachingAllocator::resetPeakStats(static_cast<c10::DeviceIndex>(index));
#endif
  })
}

}  // extern "C"
