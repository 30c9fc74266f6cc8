// Handles, counters, errors, threads, seeding and metadata.
#include "handle.h"

#include <atomic>
#include <cstring>
#include <ATen/Parallel.h>
#include <torch/version.h>

namespace {
thread_local std::string last_error;
std::atomic<int64_t> live_count{0};
std::atomic<int64_t> peak_count{0};
std::atomic<int64_t> live_bytes{0};
std::atomic<int64_t> peak_bytes{0};

void raise_peak(std::atomic<int64_t>& peak, int64_t value) {
  int64_t seen = peak.load(std::memory_order_relaxed);
  while (value > seen && !peak.compare_exchange_weak(seen, value, std::memory_order_relaxed)) {
  }
}
}  // namespace

namespace fat {

fat_tensor* wrap(at::Tensor t) {
  const int64_t bytes = t.defined() ? static_cast<int64_t>(t.numel() * t.element_size()) : 0;
  auto* h = new fat_tensor{std::move(t), bytes};
  raise_peak(peak_count, live_count.fetch_add(1, std::memory_order_relaxed) + 1);
  raise_peak(peak_bytes, live_bytes.fetch_add(bytes, std::memory_order_relaxed) + bytes);
  return h;
}

void set_error(const char* message) { last_error = message == nullptr ? "unknown native error" : message; }

std::vector<at::Tensor> list(const fat_tensor* const* ts, int32_t count) {
  if (count < 0) throw std::invalid_argument("negative tensor count");
  if (count > 0 && ts == nullptr) throw std::invalid_argument("tensor list is null");
  std::vector<at::Tensor> out;
  out.reserve(static_cast<size_t>(count));
  for (int32_t i = 0; i < count; ++i) out.push_back(ref(ts[i]));
  return out;
}

}  // namespace fat

extern "C" {

const char* fat_last_error(void) { return last_error.c_str(); }
const char* fat_torch_version(void) { return TORCH_VERSION; }

void fat_free(fat_tensor* t) {
  if (t == nullptr) return;
  live_count.fetch_sub(1, std::memory_order_relaxed);
  live_bytes.fetch_sub(t->bytes, std::memory_order_relaxed);
  try {
    delete t;
  } catch (...) {
    // Releasing storage does not throw in practice; nothing may cross the ABI if it does.
  }
}

int64_t fat_live_count(void) { return live_count.load(); }
int64_t fat_peak_count(void) { return peak_count.load(); }
int64_t fat_live_bytes(void) { return live_bytes.load(); }
int64_t fat_peak_bytes(void) { return peak_bytes.load(); }
void fat_reset_peaks(void) {
  peak_count.store(live_count.load());
  peak_bytes.store(live_bytes.load());
}

int32_t fat_set_num_threads(int32_t n) {
  FAT_STATUS(if (n < 1) throw std::invalid_argument("thread count must be >= 1"); at::set_num_threads(n))
}
int32_t fat_get_num_threads(void) { FAT_GUARD(-1, return at::get_num_threads();) }
int32_t fat_manual_seed(uint64_t seed) { FAT_STATUS(at::manual_seed(seed)) }

int32_t fat_dim(const fat_tensor* t) { FAT_GUARD(-1, return static_cast<int32_t>(fat::ref(t).dim());) }

int32_t fat_shape(const fat_tensor* t, int64_t* out, int32_t capacity) {
  FAT_GUARD(-1, {
    auto sizes = fat::ref(t).sizes();
    for (size_t i = 0; i < sizes.size() && static_cast<int32_t>(i) < capacity; ++i) out[i] = sizes[i];
    return static_cast<int32_t>(sizes.size());
  })
}

int32_t fat_strides(const fat_tensor* t, int64_t* out, int32_t capacity) {
  FAT_GUARD(-1, {
    auto strides = fat::ref(t).strides();
    for (size_t i = 0; i < strides.size() && static_cast<int32_t>(i) < capacity; ++i) out[i] = strides[i];
    return static_cast<int32_t>(strides.size());
  })
}

int32_t fat_dtype(const fat_tensor* t) { FAT_GUARD(-1, return static_cast<int32_t>(fat::ref(t).scalar_type());) }

int32_t fat_device(const fat_tensor* t, int32_t* type, int32_t* index) {
  FAT_STATUS({
    auto d = fat::ref(t).device();
    *type = d.is_cuda() ? 1 : d.is_cpu() ? 0 : -1;
    *index = d.has_index() ? d.index() : (d.is_cuda() ? 0 : -1);
  })
}

int64_t fat_numel(const fat_tensor* t) { FAT_GUARD(-1, return fat::ref(t).numel();) }
int32_t fat_is_contiguous(const fat_tensor* t) { FAT_GUARD(-1, return fat::ref(t).is_contiguous() ? 1 : 0;) }
int32_t fat_item_f64(const fat_tensor* t, double* out) { FAT_STATUS(*out = fat::ref(t).item<double>()) }
int32_t fat_item_i64(const fat_tensor* t, int64_t* out) { FAT_STATUS(*out = fat::ref(t).item<int64_t>()) }

int32_t fat_has_native_sdpa(void) {
#if __has_include(<ATen/ops/scaled_dot_product_attention.h>)
  return 1;
#else
  return 0;
#endif
}

int32_t fat_has_native_rms_norm(void) {
#if __has_include(<ATen/ops/rms_norm.h>)
  return 1;
#else
  return 0;
#endif
}

}  // extern "C"
