using FastAV.Live.Torch;

namespace FastAV.Live.Models.Audio;

/// <summary>Whisper's sinusoidal position table, computed with the same float32 ops as Whisper / Hugging Face.</summary>
public static class WhisperPositions
{
    /// <summary>
    /// [length, channels]: sin(t·e^(-i·ln(10000)/(channels/2 − 1))) in the first half of the
    /// channels, cos in the second, for t = 0..length−1, i = 0..channels/2−1.
    /// </summary>
    public static Tensor Sinusoids(int length, int channels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        if (channels < 4 || channels % 2 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "must be even and at least 4");
        }

        using var scope = new TensorScope();
        var half = channels / 2;
        var increment = Math.Log(10000) / (half - 1);
        var inverse = Torch.Torch.Arange(half).Mul(-increment).Exp(); // [half] float32
        var time = Torch.Torch.Arange(length).Unsqueeze(1).Mul(inverse.Unsqueeze(0)); // [length, half]
        return scope.MoveToOuter(Torch.Torch.Cat([time.Sin(), time.Cos()], 1));
    }
}
