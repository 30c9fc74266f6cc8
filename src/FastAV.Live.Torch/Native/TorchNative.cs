using System.Runtime.InteropServices;

namespace FastAV.Live.Torch.Native;

/// <summary>
/// The C ABI of libfastav_torch (src/native/fastav_torch/include/fastav_torch.h). Tensor-returning
/// entry points return <see cref="IntPtr.Zero"/> on failure, status-returning ones -1; the message
/// is then in <see cref="LastError"/>.
/// </summary>
internal static unsafe partial class TorchNative
{
    private const string Library = "fastav_torch";

    internal static string LastError()
    {
        var message = Marshal.PtrToStringUTF8(fat_last_error());
        return string.IsNullOrEmpty(message) ? "libtorch reported an error without a message" : message;
    }

    /// <summary>Turns a returned handle into an owned <see cref="TensorHandle"/>, or throws libtorch's error.</summary>
    internal static TensorHandle Check(IntPtr handle) =>
        handle == IntPtr.Zero ? throw new TorchException(LastError()) : new TensorHandle(handle);

    internal static void Check(int status)
    {
        if (status < 0)
        {
            throw new TorchException(LastError());
        }
    }

    internal static long Check(long value) => value < 0 ? throw new TorchException(LastError()) : value;

    [LibraryImport(Library)] internal static partial IntPtr fat_last_error();
    [LibraryImport(Library)] internal static partial IntPtr fat_torch_version();
    [LibraryImport(Library)] internal static partial int fat_has_native_sdpa();
    [LibraryImport(Library)] internal static partial int fat_has_native_rms_norm();
    [LibraryImport(Library)] internal static partial void fat_free(IntPtr t);
    [LibraryImport(Library)] internal static partial long fat_live_count();
    [LibraryImport(Library)] internal static partial long fat_peak_count();
    [LibraryImport(Library)] internal static partial long fat_live_bytes();
    [LibraryImport(Library)] internal static partial long fat_peak_bytes();
    [LibraryImport(Library)] internal static partial void fat_reset_peaks();
    [LibraryImport(Library)] internal static partial int fat_set_num_threads(int n);
    [LibraryImport(Library)] internal static partial int fat_get_num_threads();
    [LibraryImport(Library)] internal static partial int fat_manual_seed(ulong seed);
    [LibraryImport(Library)] internal static partial int fat_blas_library(byte* output, int capacity);
    [LibraryImport(Library)] internal static partial int fat_blas_config(byte* output, int capacity);
    [LibraryImport(Library)] internal static partial int fat_get_blas_threads();
    [LibraryImport(Library)] internal static partial int fat_set_blas_threads(int n);

    [LibraryImport(Library)] internal static partial int fat_dim(TensorHandle t);
    [LibraryImport(Library)] internal static partial int fat_shape(TensorHandle t, long* output, int capacity);
    [LibraryImport(Library)] internal static partial int fat_strides(TensorHandle t, long* output, int capacity);
    [LibraryImport(Library)] internal static partial int fat_dtype(TensorHandle t);
    [LibraryImport(Library)] internal static partial int fat_device(TensorHandle t, int* type, int* index);
    [LibraryImport(Library)] internal static partial long fat_numel(TensorHandle t);
    [LibraryImport(Library)] internal static partial int fat_is_contiguous(TensorHandle t);
    [LibraryImport(Library)] internal static partial int fat_item_f64(TensorHandle t, double* output);
    [LibraryImport(Library)] internal static partial int fat_item_i64(TensorHandle t, long* output);

    [LibraryImport(Library)] internal static partial IntPtr fat_from_data(void* data, long nbytes, long* shape, int ndim, int dtype);
    [LibraryImport(Library)] internal static partial int fat_copy_to_host(TensorHandle t, void* destination, long nbytes);
    [LibraryImport(Library)] internal static partial IntPtr fat_empty(long* shape, int ndim, int dtype, int devType, int devIndex);
    [LibraryImport(Library)] internal static partial IntPtr fat_zeros(long* shape, int ndim, int dtype, int devType, int devIndex);
    [LibraryImport(Library)] internal static partial IntPtr fat_ones(long* shape, int ndim, int dtype, int devType, int devIndex);
    [LibraryImport(Library)] internal static partial IntPtr fat_full(long* shape, int ndim, double value, int dtype, int devType, int devIndex);
    [LibraryImport(Library)] internal static partial IntPtr fat_arange(double start, double end, double step, int dtype, int devType, int devIndex);
    [LibraryImport(Library)] internal static partial IntPtr fat_randn(long* shape, int ndim, int dtype, int devType, int devIndex);
    [LibraryImport(Library)] internal static partial IntPtr fat_rand(long* shape, int ndim, int dtype, int devType, int devIndex);
    [LibraryImport(Library)] internal static partial IntPtr fat_randint(long low, long high, long* shape, int ndim, int dtype, int devType, int devIndex);
    [LibraryImport(Library)] internal static partial IntPtr fat_randperm(long n, int dtype, int devType, int devIndex);
    [LibraryImport(Library)] internal static partial IntPtr fat_to(TensorHandle t, int dtype, int devType, int devIndex);
    [LibraryImport(Library)] internal static partial IntPtr fat_clone(TensorHandle t);
    [LibraryImport(Library)] internal static partial IntPtr fat_alias(TensorHandle t);
    [LibraryImport(Library)] internal static partial int fat_copy_(TensorHandle destination, TensorHandle source);
    [LibraryImport(Library)] internal static partial int fat_fill_(TensorHandle t, double value);

    [LibraryImport(Library)] internal static partial IntPtr fat_reshape(TensorHandle t, long* shape, int ndim);
    [LibraryImport(Library)] internal static partial IntPtr fat_view(TensorHandle t, long* shape, int ndim);
    [LibraryImport(Library)] internal static partial IntPtr fat_permute(TensorHandle t, long* dims, int ndim);
    [LibraryImport(Library)] internal static partial IntPtr fat_transpose(TensorHandle t, long dim0, long dim1);
    [LibraryImport(Library)] internal static partial IntPtr fat_narrow(TensorHandle t, long dim, long start, long length);
    [LibraryImport(Library)] internal static partial IntPtr fat_select(TensorHandle t, long dim, long index);
    [LibraryImport(Library)] internal static partial IntPtr fat_unsqueeze(TensorHandle t, long dim);
    [LibraryImport(Library)] internal static partial IntPtr fat_squeeze(TensorHandle t);
    [LibraryImport(Library)] internal static partial IntPtr fat_squeeze_dim(TensorHandle t, long dim);
    [LibraryImport(Library)] internal static partial IntPtr fat_contiguous(TensorHandle t);
    [LibraryImport(Library)] internal static partial IntPtr fat_expand(TensorHandle t, long* shape, int ndim);
    [LibraryImport(Library)] internal static partial IntPtr fat_flatten(TensorHandle t, long startDim, long endDim);
    [LibraryImport(Library)] internal static partial IntPtr fat_cat(IntPtr* tensors, int count, long dim);
    [LibraryImport(Library)] internal static partial IntPtr fat_stack(IntPtr* tensors, int count, long dim);
    [LibraryImport(Library)] internal static partial int fat_split(TensorHandle t, long splitSize, long dim, IntPtr* output, int capacity);
    [LibraryImport(Library)] internal static partial int fat_chunk(TensorHandle t, long chunks, long dim, IntPtr* output, int capacity);

    [LibraryImport(Library)] internal static partial IntPtr fat_index_select(TensorHandle t, long dim, TensorHandle index);
    [LibraryImport(Library)] internal static partial IntPtr fat_gather(TensorHandle t, long dim, TensorHandle index);
    [LibraryImport(Library)] internal static partial IntPtr fat_scatter(TensorHandle t, long dim, TensorHandle index, TensorHandle source);
    [LibraryImport(Library)] internal static partial IntPtr fat_masked_select(TensorHandle t, TensorHandle mask);
    [LibraryImport(Library)] internal static partial IntPtr fat_masked_fill(TensorHandle t, TensorHandle mask, double value);
    [LibraryImport(Library)] internal static partial IntPtr fat_where(TensorHandle condition, TensorHandle a, TensorHandle b);
    [LibraryImport(Library)] internal static partial int fat_index_put_(TensorHandle t, IntPtr* indices, int count, TensorHandle values, int accumulate);
    [LibraryImport(Library)] internal static partial IntPtr fat_index(TensorHandle t, IntPtr* indices, int count);

    [LibraryImport(Library)] internal static partial IntPtr fat_binary(int op, TensorHandle a, TensorHandle b);
    [LibraryImport(Library)] internal static partial IntPtr fat_binary_scalar(int op, TensorHandle a, double b);
    [LibraryImport(Library)] internal static partial IntPtr fat_binary_scalar_i64(int op, TensorHandle a, long b);
    [LibraryImport(Library)] internal static partial int fat_binary_(int op, TensorHandle a, TensorHandle b);
    [LibraryImport(Library)] internal static partial IntPtr fat_unary(int op, TensorHandle t);
    [LibraryImport(Library)] internal static partial IntPtr fat_clamp(TensorHandle t, double min, double max);
    [LibraryImport(Library)] internal static partial IntPtr fat_matmul(TensorHandle a, TensorHandle b);
    [LibraryImport(Library)] internal static partial IntPtr fat_bmm(TensorHandle a, TensorHandle b);
    [LibraryImport(Library)] internal static partial IntPtr fat_linear(TensorHandle x, TensorHandle weight, IntPtr bias);
    [LibraryImport(Library)] internal static partial IntPtr fat_addmm(TensorHandle self, TensorHandle a, TensorHandle b, double beta, double alpha);
    [LibraryImport(Library)] internal static partial IntPtr fat_softmax(TensorHandle t, long dim);
    [LibraryImport(Library)] internal static partial IntPtr fat_log_softmax(TensorHandle t, long dim);
    [LibraryImport(Library)] internal static partial IntPtr fat_cosine_similarity(TensorHandle a, TensorHandle b, long dim, double eps);

    [LibraryImport(Library)] internal static partial IntPtr fat_sum(TensorHandle t, long* dims, int ndims, int keepdim);
    [LibraryImport(Library)] internal static partial IntPtr fat_mean(TensorHandle t, long* dims, int ndims, int keepdim);
    [LibraryImport(Library)] internal static partial IntPtr fat_norm(TensorHandle t, double p, long* dims, int ndims, int keepdim);
    [LibraryImport(Library)] internal static partial IntPtr fat_max_all(TensorHandle t);
    [LibraryImport(Library)] internal static partial IntPtr fat_min_all(TensorHandle t);
    [LibraryImport(Library)] internal static partial int fat_max_dim(TensorHandle t, long dim, int keepdim, IntPtr* values, IntPtr* indices);
    [LibraryImport(Library)] internal static partial int fat_min_dim(TensorHandle t, long dim, int keepdim, IntPtr* values, IntPtr* indices);
    [LibraryImport(Library)] internal static partial IntPtr fat_argmax(TensorHandle t, long dim, int hasDim, int keepdim);
    [LibraryImport(Library)] internal static partial IntPtr fat_cumsum(TensorHandle t, long dim);
    [LibraryImport(Library)] internal static partial int fat_topk(TensorHandle t, long k, long dim, int largest, int sorted, IntPtr* values, IntPtr* indices);
    [LibraryImport(Library)] internal static partial int fat_sort(TensorHandle t, long dim, int descending, IntPtr* values, IntPtr* indices);
    [LibraryImport(Library)] internal static partial IntPtr fat_argsort(TensorHandle t, long dim, int descending);

    [LibraryImport(Library)] internal static partial IntPtr fat_layer_norm(TensorHandle x, long* normalizedShape, int ndim, IntPtr weight, IntPtr bias, double eps);
    [LibraryImport(Library)] internal static partial IntPtr fat_rms_norm(TensorHandle x, long* normalizedShape, int ndim, IntPtr weight, double eps, int forceComposite);
    [LibraryImport(Library)] internal static partial IntPtr fat_conv1d(TensorHandle x, TensorHandle weight, IntPtr bias, long stride, long padding, long dilation, long groups);
    [LibraryImport(Library)] internal static partial IntPtr fat_conv2d(TensorHandle x, TensorHandle weight, IntPtr bias, long* stride2, long* padding2, long* dilation2, long groups);
    [LibraryImport(Library)] internal static partial IntPtr fat_interpolate(TensorHandle x, long outH, long outW, int mode, int alignCorners);
    [LibraryImport(Library)] internal static partial IntPtr fat_avg_pool1d(TensorHandle x, long kernel, long stride, long padding, int ceilMode, int countIncludePad);
    [LibraryImport(Library)] internal static partial IntPtr fat_avg_pool2d(TensorHandle x, long* kernel2, long* stride2, long* padding2, int ceilMode, int countIncludePad);
    [LibraryImport(Library)] internal static partial IntPtr fat_adaptive_avg_pool2d(TensorHandle x, long outH, long outW);
    [LibraryImport(Library)] internal static partial IntPtr fat_embedding(TensorHandle weight, TensorHandle indices);
    [LibraryImport(Library)] internal static partial IntPtr fat_scaled_dot_product_attention(TensorHandle q, TensorHandle k, TensorHandle v, IntPtr mask, int isCausal, double scale, int forceComposite);

    [LibraryImport(Library)] internal static partial int fat_cuda_is_available();
    [LibraryImport(Library)] internal static partial int fat_cuda_device_count();
    [LibraryImport(Library)] internal static partial int fat_cuda_device_name(int index, byte* output, int capacity);
    [LibraryImport(Library)] internal static partial int fat_cuda_synchronize(int index);
    [LibraryImport(Library)] internal static partial long fat_cuda_memory(int index, int which);
    [LibraryImport(Library)] internal static partial int fat_cuda_reset_peak(int index);
}
