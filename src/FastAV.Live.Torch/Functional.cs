using FastAV.Live.Torch.Native;

namespace FastAV.Live.Torch;

/// <summary>Neural-network functions (PyTorch's <c>torch.nn.functional</c>); argument order follows PyTorch.</summary>
public static unsafe class Functional
{
    /// <summary>x W^T + b: x [..., in], weight [out, in], bias [out] -> [..., out].</summary>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        using var lease = new HandleLease(bias);
        return Tensor.From(TorchNative.fat_linear(input.Handle, weight.Handle, lease[0]));
    }

    /// <summary>beta * self + alpha * (a @ b) for 2-D a, b.</summary>
    public static Tensor Addmm(Tensor self, Tensor a, Tensor b, double beta = 1, double alpha = 1)
    {
        ArgumentNullException.ThrowIfNull(self);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return Tensor.From(TorchNative.fat_addmm(self.Handle, a.Handle, b.Handle, beta, alpha));
    }

    public static Tensor LayerNorm(Tensor input, ReadOnlySpan<long> normalizedShape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var lease = new HandleLease(weight, bias);
        fixed (long* s = normalizedShape)
        {
            return Tensor.From(TorchNative.fat_layer_norm(input.Handle, s, normalizedShape.Length, lease[0], lease[1], eps));
        }
    }

    /// <summary>
    /// x / sqrt(mean(x^2) + eps) * weight over the trailing <paramref name="normalizedShape"/> dims;
    /// eps null = machine epsilon of the computation type (PyTorch's default).
    /// </summary>
    public static Tensor RmsNorm(Tensor input, ReadOnlySpan<long> normalizedShape, Tensor? weight = null, double? eps = null) =>
        RmsNorm(input, normalizedShape, weight, eps, forceComposite: false);

    /// <summary>As above; <paramref name="forceComposite"/> skips libtorch's native op (to compare the two).</summary>
    internal static Tensor RmsNorm(Tensor input, ReadOnlySpan<long> normalizedShape, Tensor? weight, double? eps, bool forceComposite)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (eps is < 0 || eps is double.NaN)
        {
            throw new ArgumentOutOfRangeException(nameof(eps), eps, "eps must be >= 0");
        }

        using var lease = new HandleLease(weight);
        fixed (long* s = normalizedShape)
        {
            return Tensor.From(TorchNative.fat_rms_norm(input.Handle, s, normalizedShape.Length, lease[0], eps ?? -1, forceComposite ? 1 : 0));
        }
    }

    /// <summary>input [N, Cin, L], weight [Cout, Cin/groups, K] -> [N, Cout, Lout].</summary>
    public static Tensor Conv1d(Tensor input, Tensor weight, Tensor? bias = null, long stride = 1, long padding = 0, long dilation = 1, long groups = 1)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        using var lease = new HandleLease(bias);
        return Tensor.From(TorchNative.fat_conv1d(input.Handle, weight.Handle, lease[0], stride, padding, dilation, groups));
    }

    /// <summary>input [N, Cin, H, W], weight [Cout, Cin/groups, kH, kW] -> [N, Cout, Hout, Wout]; pairs are (H, W).</summary>
    public static Tensor Conv2d(
        Tensor input,
        Tensor weight,
        Tensor? bias = null,
        (long H, long W)? stride = null,
        (long H, long W)? padding = null,
        (long H, long W)? dilation = null,
        long groups = 1)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        var (sh, sw) = stride ?? (1, 1);
        var (ph, pw) = padding ?? (0, 0);
        var (dh, dw) = dilation ?? (1, 1);
        long* s = stackalloc long[] { sh, sw };
        long* p = stackalloc long[] { ph, pw };
        long* d = stackalloc long[] { dh, dw };
        using var lease = new HandleLease(bias);
        return Tensor.From(TorchNative.fat_conv2d(input.Handle, weight.Handle, lease[0], s, p, d, groups));
    }

    /// <summary>Resizes an NCHW image batch to [N, C, height, width].</summary>
    public static Tensor Interpolate(Tensor input, long height, long width, InterpolateMode mode = InterpolateMode.Nearest, bool alignCorners = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.From(TorchNative.fat_interpolate(input.Handle, height, width, (int)mode, alignCorners ? 1 : 0));
    }

    /// <summary>
    /// Average pooling over the last dim of [N, C, L] (or [C, L]); stride null = kernel. With
    /// <paramref name="ceilMode"/> a last window running past the end averages only what it covers.
    /// </summary>
    public static Tensor AvgPool1d(Tensor input, long kernelSize, long? stride = null, long padding = 0, bool ceilMode = false, bool countIncludePad = true)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.From(TorchNative.fat_avg_pool1d(input.Handle, kernelSize, stride ?? kernelSize, padding, ceilMode ? 1 : 0, countIncludePad ? 1 : 0));
    }

    /// <summary>Average pooling over the last two dims of [N, C, H, W] (or [C, H, W]); pairs are (H, W), stride null = kernel.</summary>
    public static Tensor AvgPool2d(
        Tensor input,
        (long H, long W) kernelSize,
        (long H, long W)? stride = null,
        (long H, long W)? padding = null,
        bool ceilMode = false,
        bool countIncludePad = true)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (kh, kw) = kernelSize;
        var (sh, sw) = stride ?? kernelSize;
        var (ph, pw) = padding ?? (0, 0);
        long* k = stackalloc long[] { kh, kw };
        long* s = stackalloc long[] { sh, sw };
        long* p = stackalloc long[] { ph, pw };
        return Tensor.From(TorchNative.fat_avg_pool2d(input.Handle, k, s, p, ceilMode ? 1 : 0, countIncludePad ? 1 : 0));
    }

    /// <summary>
    /// Average pooling of [N, C, H, W] (or [C, H, W]) to [.., height, width]: output cell i covers
    /// input rows [floor(i·H/height), ceil((i+1)·H/height)), and likewise for columns.
    /// </summary>
    public static Tensor AdaptiveAvgPool2d(Tensor input, long height, long width)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Tensor.From(TorchNative.fat_adaptive_avg_pool2d(input.Handle, height, width));
    }

    /// <summary>Rows of <paramref name="weight"/> [vocab, dim] picked by integer <paramref name="input"/> -> [..., dim].</summary>
    public static Tensor Embedding(Tensor input, Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        return Tensor.From(TorchNative.fat_embedding(weight.Handle, input.Handle));
    }

    /// <summary>
    /// softmax(q k^T * scale + mask) v. query [..., L, E], key [..., S, E], value [..., S, Ev] -> [..., L, Ev].
    /// A bool mask keeps true positions; a float mask is added. scale null = 1/sqrt(E).
    /// </summary>
    public static Tensor ScaledDotProductAttention(Tensor query, Tensor key, Tensor value, Tensor? attnMask = null, bool isCausal = false, double? scale = null) =>
        ScaledDotProductAttention(query, key, value, attnMask, isCausal, scale, forceComposite: false);

    internal static Tensor ScaledDotProductAttention(Tensor query, Tensor key, Tensor value, Tensor? attnMask, bool isCausal, double? scale, bool forceComposite)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        using var lease = new HandleLease(attnMask);
        return Tensor.From(TorchNative.fat_scaled_dot_product_attention(
            query.Handle, key.Handle, value.Handle, lease[0], isCausal ? 1 : 0, scale ?? double.NaN, forceComposite ? 1 : 0));
    }

    public static Tensor CosineSimilarity(Tensor x1, Tensor x2, long dim = 1, double eps = 1e-8)
    {
        ArgumentNullException.ThrowIfNull(x1);
        ArgumentNullException.ThrowIfNull(x2);
        return Tensor.From(TorchNative.fat_cosine_similarity(x1.Handle, x2.Handle, dim, eps));
    }

    public static Tensor Softmax(Tensor input, long dim) => NotNull(input).Softmax(dim);

    public static Tensor LogSoftmax(Tensor input, long dim) => NotNull(input).LogSoftmax(dim);

    public static Tensor Silu(Tensor input) => NotNull(input).Silu();

    public static Tensor Gelu(Tensor input, GeluApproximation approximate = GeluApproximation.None) => NotNull(input).Gelu(approximate);

    private static Tensor NotNull(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input;
    }
}
