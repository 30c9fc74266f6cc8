using FastAV.Live.Torch;

namespace FastAV.Live.Models.Audio;

/// <summary>
/// Fits a live window's log-mel to the frames the window should have. A window of W seconds has
/// round(100·W) frames (16 kHz, hop 160; the media layer's LogMelSpectrogram gives samples / 160).
/// Extra frames at the end are dropped; missing frames (a stream's last, short window) are appended
/// as digital silence: the value Whisper's normalisation gives zero samples, max(peak − 2, −1.5)
/// for a window whose normalised log-mel peaks at <c>peak</c> (log10 of the 1e-10 floor is −10,
/// floored at peak_log − 8, then (x + 4) / 4). That is exactly what Hugging Face's feature
/// extractor produces for frames lying wholly in zero padding.
/// </summary>
public static class MelWindow
{
    /// <summary>The longest window, in seconds, accepted anywhere (Whisper's 30 s context, with room).</summary>
    public const double MaxSeconds = 600;

    /// <summary>Mel frames of a window of <paramref name="seconds"/>: round(100 · seconds), at least 1.</summary>
    public static int FrameCount(double seconds)
    {
        if (!double.IsFinite(seconds) || seconds <= 0 || seconds > MaxSeconds)
        {
            throw new ArgumentOutOfRangeException(nameof(seconds), seconds, $"window length must be in (0, {MaxSeconds}] seconds");
        }

        var frames = (int)Math.Round(seconds * AudioEncoderConfig.FramesPerSecond, MidpointRounding.AwayFromZero);
        if (frames < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(seconds), seconds, "window is shorter than one mel frame (10 ms)");
        }

        return frames;
    }

    /// <summary>The normalised log-mel value of digital silence in a window whose largest value is <paramref name="peak"/>.</summary>
    public static float SilenceValue(float peak) => MathF.Max(peak - 2f, -1.5f);

    /// <summary>mel [mels, n] -> [mels, frames]: trimmed, or padded on the right with <paramref name="padValue"/> (null = <see cref="SilenceValue"/> of its peak).</summary>
    public static Tensor Fit(Tensor mel, int frames, float? padValue = null)
    {
        ArgumentNullException.ThrowIfNull(mel);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frames);
        if (mel.Dim != 2 || mel.Size(1) < 1)
        {
            throw new ArgumentException($"mel must be [mels, frames] with at least one frame, got [{string.Join(", ", mel.Shape)}]", nameof(mel));
        }

        var have = mel.Size(1);
        if (have >= frames)
        {
            return mel.Narrow(1, 0, frames);
        }

        using var scope = new TensorScope();
        var value = padValue ?? SilenceValue(mel.Max().To(DType.Float32).Item<float>());
        var pad = Torch.Torch.Full([mel.Size(0), frames - have], value, mel.DType, mel.Device);
        return scope.MoveToOuter(Torch.Torch.Cat([mel, pad], 1));
    }
}
