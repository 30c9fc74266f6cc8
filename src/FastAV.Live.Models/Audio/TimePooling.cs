using FastAV.Live.Torch;

namespace FastAV.Live.Models.Audio;

/// <summary>
/// Average pooling of encoder positions over time in groups of <c>kernel</c>; a last, shorter group
/// is the mean of the positions it has (so no audio is dropped). With whole groups this is
/// AvgPool1d(kernel, stride = kernel), as Qwen2-Audio's pooler.
/// </summary>
public static class TimePooling
{
    /// <summary>Tokens from <paramref name="positions"/> encoder positions: ⌈positions / kernel⌉.</summary>
    public static int TokenCount(int positions, int kernel) => (positions + kernel - 1) / kernel;

    /// <summary>tokens [batch, positions, hidden] -> [batch, ⌈positions / kernel⌉, hidden].</summary>
    public static Tensor Pool(Tensor tokens, int kernel)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernel);
        if (tokens.Dim != 3 || tokens.Size(1) < 1)
        {
            throw new ArgumentException($"expected [batch, positions, hidden] tokens, got [{string.Join(", ", tokens.Shape)}]", nameof(tokens));
        }

        if (kernel == 1)
        {
            return tokens.Alias();
        }

        using var scope = new TensorScope();
        var pooled = Functional.AvgPool1d(tokens.Transpose(1, 2), kernel, ceilMode: true); // [batch, hidden, tokens]
        return scope.MoveToOuter(pooled.Transpose(1, 2).Contiguous());
    }
}
