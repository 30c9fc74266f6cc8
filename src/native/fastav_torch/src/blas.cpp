// Which BLAS libtorch's CPU kernels call, and that BLAS's own thread pool.
// libtorch (Debian's 1.13) calls sgemm_ & co through libblas.so.3, which Debian's alternatives point at the
// reference BLAS or at OpenBLAS. The shim looks the symbols up the way libtorch_cpu itself resolves them: in
// libtorch_cpu's own dependency scope (the shim is dlopen'ed RTLD_LOCAL by .NET, so RTLD_DEFAULT would not see it).
#include "handle.h"

#include <ATen/Parallel.h>
#include <dlfcn.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <cstring>

namespace {

// A handle on the library holding libtorch's CPU kernels (libtorch_cpu.so, or libtorch.so in older layouts).
void* torch_cpu_handle() {
  static void* handle = [] {
    Dl_info info{};
    // Any exported function of ATen's CPU library locates it.
    if (dladdr(reinterpret_cast<void*>(&at::get_num_threads), &info) == 0 || info.dli_fname == nullptr) return static_cast<void*>(nullptr);
    return dlopen(info.dli_fname, RTLD_LAZY | RTLD_NOLOAD);
  }();
  return handle;
}

// The library defining the sgemm_ libtorch_cpu calls, as a handle whose lookups cover it and its own dependencies
// (Debian's OpenBLAS libblas.so.3 is a thin front of libopenblas.so.0; the reference libblas.so.3 depends on neither).
void* blas_handle() {
  void* torch = torch_cpu_handle();
  void* sgemm = torch == nullptr ? nullptr : dlsym(torch, "sgemm_");
  Dl_info info{};
  if (sgemm == nullptr || dladdr(sgemm, &info) == 0 || info.dli_fname == nullptr) return nullptr;
  return dlopen(info.dli_fname, RTLD_LAZY | RTLD_NOLOAD);
}

// A symbol of the BLAS libtorch calls (never of another BLAS that happens to be loaded too).
void* blas_symbol(const char* name) {
  static void* handle = blas_handle();
  return handle == nullptr ? nullptr : dlsym(handle, name);
}

int32_t copy_out(const std::string& text, char* out, int32_t capacity) {
  if (out == nullptr || capacity <= 0) throw std::invalid_argument("output buffer is empty");
  const size_t n = std::min(text.size(), static_cast<size_t>(capacity - 1));
  std::memcpy(out, text.data(), n);
  out[n] = '\0';
  return static_cast<int32_t>(text.size());
}

std::string real_path(const char* path) {
  char resolved[PATH_MAX];
  return realpath(path, resolved) != nullptr ? std::string(resolved) : std::string(path);
}

}  // namespace

extern "C" {

// The file that defines the sgemm_ libtorch_cpu calls, symlinks resolved (e.g.
// /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3); "" when libtorch carries its own GEMM (MKL linked in).
int32_t fat_blas_library(char* out, int32_t capacity) {
  FAT_GUARD(-1, {
    void* torch = torch_cpu_handle();
    void* sgemm = torch == nullptr ? nullptr : dlsym(torch, "sgemm_");
    Dl_info info{};
    if (sgemm == nullptr || dladdr(sgemm, &info) == 0 || info.dli_fname == nullptr) return copy_out("", out, capacity);
    return copy_out(real_path(info.dli_fname), out, capacity);
  })
}

// OpenBLAS's build description (openblas_get_config, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Haswell
// MAX_THREADS=64"), "" when the BLAS libtorch calls is not OpenBLAS.
int32_t fat_blas_config(char* out, int32_t capacity) {
  FAT_GUARD(-1, {
    using config_fn = char* (*)();
    auto config = reinterpret_cast<config_fn>(blas_symbol("openblas_get_config"));
    return copy_out(config == nullptr ? std::string() : std::string(config()), out, capacity);
  })
}

// OpenBLAS's own worker count (process-wide; its pthreads are separate from libtorch's intra-op pool).
// -1 with an error when the BLAS is not OpenBLAS.
int32_t fat_get_blas_threads(void) {
  FAT_GUARD(-1, {
    using get_fn = int (*)();
    auto get = reinterpret_cast<get_fn>(blas_symbol("openblas_get_num_threads"));
    if (get == nullptr) throw std::runtime_error("the BLAS libtorch calls has no openblas_get_num_threads (not OpenBLAS)");
    return static_cast<int32_t>(get());
  })
}

int32_t fat_set_blas_threads(int32_t n) {
  FAT_STATUS({
    if (n < 1) throw std::invalid_argument("BLAS thread count must be >= 1");
    using set_fn = void (*)(int);
    auto set = reinterpret_cast<set_fn>(blas_symbol("openblas_set_num_threads"));
    if (set == nullptr) throw std::runtime_error("the BLAS libtorch calls has no openblas_set_num_threads (not OpenBLAS)");
    set(n);
  })
}

}  // extern "C"
