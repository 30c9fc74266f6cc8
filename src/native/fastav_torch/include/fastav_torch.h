/* fastav_torch: C ABI over libtorch for FastAV.Live.Torch.
 *
 * Conventions (one for the whole ABI):
 *  - fat_tensor* is an owning opaque handle; release it with fat_free exactly once.
 *  - Functions returning fat_tensor* return NULL on error; functions returning int32_t return 0
 *    on success and -1 on error; int64_t/double getters return -1 on error where noted.
 *    After an error, fat_last_error() gives libtorch's message (thread-local, valid until the
 *    next call on the same thread). No C++ exception ever leaves this library.
 *  - dtype codes are c10::ScalarType values (uint8=0, int32=3, int64=4, float16=5, float32=6,
 *    float64=7, bool=11, bfloat16=15); device_type 0 = cpu, 1 = cuda.
 *  - Shapes and dim lists are (const int64_t* values, int32_t count).
 *  - Every call runs under c10::InferenceMode: no autograd graph is ever recorded.
 */
#ifndef FASTAV_TORCH_H
#define FASTAV_TORCH_H

#include <stdint.h>

#if defined(FASTAV_TORCH_BUILDING)
#define FAT_API __attribute__((visibility("default")))
#else
#define FAT_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fat_tensor fat_tensor;

/* runtime */
FAT_API const char* fat_last_error(void);
FAT_API const char* fat_torch_version(void);
FAT_API int32_t fat_has_native_sdpa(void);
FAT_API int32_t fat_has_native_rms_norm(void);
FAT_API void fat_free(fat_tensor* t);
FAT_API int64_t fat_live_count(void);
FAT_API int64_t fat_peak_count(void);
FAT_API int64_t fat_live_bytes(void);
FAT_API int64_t fat_peak_bytes(void);
FAT_API void fat_reset_peaks(void);
FAT_API int32_t fat_set_num_threads(int32_t n);
FAT_API int32_t fat_get_num_threads(void);
FAT_API int32_t fat_manual_seed(uint64_t seed);

/* BLAS (src/blas.cpp): the library libtorch's sgemm_ resolves to, and OpenBLAS's own thread pool.
 * fat_blas_library / fat_blas_config write a NUL-terminated string and return its full length. */
FAT_API int32_t fat_blas_library(char* out, int32_t capacity);
FAT_API int32_t fat_blas_config(char* out, int32_t capacity);
FAT_API int32_t fat_get_blas_threads(void);
FAT_API int32_t fat_set_blas_threads(int32_t n);

/* metadata */
FAT_API int32_t fat_dim(const fat_tensor* t);
FAT_API int32_t fat_shape(const fat_tensor* t, int64_t* out, int32_t capacity);
FAT_API int32_t fat_strides(const fat_tensor* t, int64_t* out, int32_t capacity);
FAT_API int32_t fat_dtype(const fat_tensor* t);
FAT_API int32_t fat_device(const fat_tensor* t, int32_t* type, int32_t* index);
FAT_API int64_t fat_numel(const fat_tensor* t);
FAT_API int32_t fat_is_contiguous(const fat_tensor* t);
FAT_API int32_t fat_item_f64(const fat_tensor* t, double* out);
FAT_API int32_t fat_item_i64(const fat_tensor* t, int64_t* out);

/* creation and data movement */
FAT_API fat_tensor* fat_from_data(const void* data, int64_t nbytes, const int64_t* shape, int32_t ndim, int32_t dtype);
FAT_API int32_t fat_copy_to_host(const fat_tensor* t, void* dst, int64_t nbytes);
FAT_API fat_tensor* fat_empty(const int64_t* shape, int32_t ndim, int32_t dtype, int32_t dev_type, int32_t dev_index);
FAT_API fat_tensor* fat_zeros(const int64_t* shape, int32_t ndim, int32_t dtype, int32_t dev_type, int32_t dev_index);
FAT_API fat_tensor* fat_ones(const int64_t* shape, int32_t ndim, int32_t dtype, int32_t dev_type, int32_t dev_index);
FAT_API fat_tensor* fat_full(const int64_t* shape, int32_t ndim, double value, int32_t dtype, int32_t dev_type, int32_t dev_index);
FAT_API fat_tensor* fat_arange(double start, double end, double step, int32_t dtype, int32_t dev_type, int32_t dev_index);
FAT_API fat_tensor* fat_randn(const int64_t* shape, int32_t ndim, int32_t dtype, int32_t dev_type, int32_t dev_index);
FAT_API fat_tensor* fat_rand(const int64_t* shape, int32_t ndim, int32_t dtype, int32_t dev_type, int32_t dev_index);
FAT_API fat_tensor* fat_randint(int64_t low, int64_t high, const int64_t* shape, int32_t ndim, int32_t dtype, int32_t dev_type, int32_t dev_index);
FAT_API fat_tensor* fat_randperm(int64_t n, int32_t dtype, int32_t dev_type, int32_t dev_index);
FAT_API fat_tensor* fat_to(const fat_tensor* t, int32_t dtype, int32_t dev_type, int32_t dev_index);
FAT_API fat_tensor* fat_clone(const fat_tensor* t);
FAT_API fat_tensor* fat_alias(const fat_tensor* t);
FAT_API int32_t fat_copy_(fat_tensor* dst, const fat_tensor* src);
FAT_API int32_t fat_fill_(fat_tensor* t, double value);

/* shape */
FAT_API fat_tensor* fat_reshape(const fat_tensor* t, const int64_t* shape, int32_t ndim);
FAT_API fat_tensor* fat_view(const fat_tensor* t, const int64_t* shape, int32_t ndim);
FAT_API fat_tensor* fat_permute(const fat_tensor* t, const int64_t* dims, int32_t ndim);
FAT_API fat_tensor* fat_transpose(const fat_tensor* t, int64_t dim0, int64_t dim1);
FAT_API fat_tensor* fat_narrow(const fat_tensor* t, int64_t dim, int64_t start, int64_t length);
FAT_API fat_tensor* fat_select(const fat_tensor* t, int64_t dim, int64_t index);
FAT_API fat_tensor* fat_unsqueeze(const fat_tensor* t, int64_t dim);
FAT_API fat_tensor* fat_squeeze(const fat_tensor* t);
FAT_API fat_tensor* fat_squeeze_dim(const fat_tensor* t, int64_t dim);
FAT_API fat_tensor* fat_contiguous(const fat_tensor* t);
FAT_API fat_tensor* fat_expand(const fat_tensor* t, const int64_t* shape, int32_t ndim);
FAT_API fat_tensor* fat_flatten(const fat_tensor* t, int64_t start_dim, int64_t end_dim);
FAT_API fat_tensor* fat_cat(const fat_tensor* const* ts, int32_t count, int64_t dim);
FAT_API fat_tensor* fat_stack(const fat_tensor* const* ts, int32_t count, int64_t dim);
/* split/chunk write up to capacity handles into out and return how many there are, or -1. */
FAT_API int32_t fat_split(const fat_tensor* t, int64_t split_size, int64_t dim, fat_tensor** out, int32_t capacity);
FAT_API int32_t fat_chunk(const fat_tensor* t, int64_t chunks, int64_t dim, fat_tensor** out, int32_t capacity);

/* indexing */
FAT_API fat_tensor* fat_index_select(const fat_tensor* t, int64_t dim, const fat_tensor* index);
FAT_API fat_tensor* fat_gather(const fat_tensor* t, int64_t dim, const fat_tensor* index);
FAT_API fat_tensor* fat_scatter(const fat_tensor* t, int64_t dim, const fat_tensor* index, const fat_tensor* src);
FAT_API fat_tensor* fat_masked_select(const fat_tensor* t, const fat_tensor* mask);
FAT_API fat_tensor* fat_masked_fill(const fat_tensor* t, const fat_tensor* mask, double value);
FAT_API fat_tensor* fat_where(const fat_tensor* cond, const fat_tensor* a, const fat_tensor* b);
/* indices: count tensors, a NULL entry means ':' (all of that dim). */
FAT_API int32_t fat_index_put_(fat_tensor* t, const fat_tensor* const* indices, int32_t count, const fat_tensor* values, int32_t accumulate);
FAT_API fat_tensor* fat_index(const fat_tensor* t, const fat_tensor* const* indices, int32_t count);

/* element-wise math; binary ops broadcast */
enum fat_binary_op { FAT_ADD = 0, FAT_SUB = 1, FAT_MUL = 2, FAT_DIV = 3, FAT_POW = 4, FAT_MAXIMUM = 5, FAT_MINIMUM = 6,
                     FAT_EQ = 10, FAT_NE = 11, FAT_LT = 12, FAT_LE = 13, FAT_GT = 14, FAT_GE = 15,
                     FAT_LOGICAL_AND = 20, FAT_LOGICAL_OR = 21 };
enum fat_unary_op { FAT_NEG = 0, FAT_ABS = 1, FAT_SQRT = 2, FAT_RSQRT = 3, FAT_EXP = 4, FAT_LOG = 5, FAT_TANH = 6,
                    FAT_SIGMOID = 7, FAT_SILU = 8, FAT_GELU = 9, FAT_GELU_TANH = 10, FAT_RELU = 11, FAT_SIN = 12,
                    FAT_COS = 13, FAT_LOGICAL_NOT = 14, FAT_RECIPROCAL = 15 };
FAT_API fat_tensor* fat_binary(int32_t op, const fat_tensor* a, const fat_tensor* b);
/* The scalar's kind matters for type promotion, as in PyTorch: int64_tensor * 2 stays int64,
 * int64_tensor * 2.0 becomes float32. */
FAT_API fat_tensor* fat_binary_scalar(int32_t op, const fat_tensor* a, double b);
FAT_API fat_tensor* fat_binary_scalar_i64(int32_t op, const fat_tensor* a, int64_t b);
FAT_API int32_t fat_binary_(int32_t op, fat_tensor* a, const fat_tensor* b);
FAT_API fat_tensor* fat_unary(int32_t op, const fat_tensor* t);
FAT_API fat_tensor* fat_clamp(const fat_tensor* t, double min, double max);
FAT_API fat_tensor* fat_matmul(const fat_tensor* a, const fat_tensor* b);
FAT_API fat_tensor* fat_bmm(const fat_tensor* a, const fat_tensor* b);
FAT_API fat_tensor* fat_linear(const fat_tensor* x, const fat_tensor* weight, const fat_tensor* bias /* nullable */);
FAT_API fat_tensor* fat_addmm(const fat_tensor* self, const fat_tensor* a, const fat_tensor* b, double beta, double alpha);
FAT_API fat_tensor* fat_softmax(const fat_tensor* t, int64_t dim);
FAT_API fat_tensor* fat_log_softmax(const fat_tensor* t, int64_t dim);
FAT_API fat_tensor* fat_cosine_similarity(const fat_tensor* a, const fat_tensor* b, int64_t dim, double eps);

/* reductions; dims == NULL with ndims == 0 reduces over all dims */
FAT_API fat_tensor* fat_sum(const fat_tensor* t, const int64_t* dims, int32_t ndims, int32_t keepdim);
FAT_API fat_tensor* fat_mean(const fat_tensor* t, const int64_t* dims, int32_t ndims, int32_t keepdim);
FAT_API fat_tensor* fat_norm(const fat_tensor* t, double p, const int64_t* dims, int32_t ndims, int32_t keepdim);
FAT_API fat_tensor* fat_max_all(const fat_tensor* t);
FAT_API fat_tensor* fat_min_all(const fat_tensor* t);
FAT_API int32_t fat_max_dim(const fat_tensor* t, int64_t dim, int32_t keepdim, fat_tensor** values, fat_tensor** indices);
FAT_API int32_t fat_min_dim(const fat_tensor* t, int64_t dim, int32_t keepdim, fat_tensor** values, fat_tensor** indices);
FAT_API fat_tensor* fat_argmax(const fat_tensor* t, int64_t dim, int32_t has_dim, int32_t keepdim);
FAT_API fat_tensor* fat_cumsum(const fat_tensor* t, int64_t dim);
FAT_API int32_t fat_topk(const fat_tensor* t, int64_t k, int64_t dim, int32_t largest, int32_t sorted, fat_tensor** values, fat_tensor** indices);
FAT_API int32_t fat_sort(const fat_tensor* t, int64_t dim, int32_t descending, fat_tensor** values, fat_tensor** indices);
FAT_API fat_tensor* fat_argsort(const fat_tensor* t, int64_t dim, int32_t descending);

/* nn */
FAT_API fat_tensor* fat_layer_norm(const fat_tensor* x, const int64_t* normalized_shape, int32_t ndim,
                                   const fat_tensor* weight, const fat_tensor* bias, double eps);
/* eps < 0 means the default (machine epsilon of the computation type); force_composite skips the native op. */
FAT_API fat_tensor* fat_rms_norm(const fat_tensor* x, const int64_t* normalized_shape, int32_t ndim,
                                 const fat_tensor* weight, double eps, int32_t force_composite);
FAT_API fat_tensor* fat_conv1d(const fat_tensor* x, const fat_tensor* w, const fat_tensor* b,
                               int64_t stride, int64_t padding, int64_t dilation, int64_t groups);
FAT_API fat_tensor* fat_conv2d(const fat_tensor* x, const fat_tensor* w, const fat_tensor* b,
                               const int64_t* stride2, const int64_t* padding2, const int64_t* dilation2, int64_t groups);
/* mode 0 = nearest, 1 = bilinear, 2 = bicubic (4-D input, NCHW). */
FAT_API fat_tensor* fat_interpolate(const fat_tensor* x, int64_t out_h, int64_t out_w, int32_t mode, int32_t align_corners);
/* Average pooling: [N, C, L] / [N, C, H, W] (or unbatched); pairs are (H, W). A window that starts inside the
 * input but runs past its end (ceil_mode) averages only the elements it covers. */
FAT_API fat_tensor* fat_avg_pool1d(const fat_tensor* x, int64_t kernel, int64_t stride, int64_t padding, int32_t ceil_mode,
                                   int32_t count_include_pad);
FAT_API fat_tensor* fat_avg_pool2d(const fat_tensor* x, const int64_t* kernel2, const int64_t* stride2, const int64_t* padding2,
                                   int32_t ceil_mode, int32_t count_include_pad);
/* Adaptive average pooling to [N, C, out_h, out_w]: output cell i covers input rows [floor(i*H/oh), ceil((i+1)*H/oh)). */
FAT_API fat_tensor* fat_adaptive_avg_pool2d(const fat_tensor* x, int64_t out_h, int64_t out_w);
FAT_API fat_tensor* fat_embedding(const fat_tensor* weight, const fat_tensor* indices);
/* q [..., L, E], k [..., S, E], v [..., S, Ev]; mask nullable (bool: true = attend, or additive float);
 * scale NaN means 1/sqrt(E). */
FAT_API fat_tensor* fat_scaled_dot_product_attention(const fat_tensor* q, const fat_tensor* k, const fat_tensor* v,
                                                     const fat_tensor* mask, int32_t is_causal, double scale,
                                                     int32_t force_composite);

/* devices */
FAT_API int32_t fat_cuda_is_available(void);
FAT_API int32_t fat_cuda_device_count(void);
FAT_API int32_t fat_cuda_device_name(int32_t index, char* out, int32_t capacity);
FAT_API int32_t fat_cuda_synchronize(int32_t index);
/* which: 0 = allocated, 1 = reserved, 2 = peak allocated, 3 = peak reserved. */
FAT_API int64_t fat_cuda_memory(int32_t index, int32_t which);
FAT_API int32_t fat_cuda_reset_peak(int32_t index);

#ifdef __cplusplus
}
#endif
#endif
