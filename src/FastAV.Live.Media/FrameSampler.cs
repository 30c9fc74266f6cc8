namespace FastAV.Live.Media;

/// <summary>
/// Resamples a frame sequence of any rate to the model's rate by pts: tick k (at first pts + k/Fps)
/// takes the input frame nearest to it (the earlier one on a tie), so fast input is dropped, slow
/// input duplicated, and clock jitter below half a frame interval changes nothing.
/// Keeps one frame of state. (<see cref="SampledFrameDecoder"/> runs the same rule on frames not yet converted.)
/// </summary>
public sealed class FrameSampler
{
    private readonly TickSampler<DecodedFrame> _ticks;

    public FrameSampler(FrameSamplerOptions? options = null)
    {
        var o = options ?? new FrameSamplerOptions();
        o.Validate();
        _ticks = new TickSampler<DecodedFrame>(o.Fps, f => f.PtsMicroseconds, Stats);
    }

    public FrameSamplerStats Stats { get; } = new();

    /// <summary>Media time of tick k.</summary>
    public long TickPts(long k) => _ticks.TickPts(k);

    /// <summary>Adds the next decoded frame; returns the ticks it completes.</summary>
    public IReadOnlyList<SampledFrame> Push(DecodedFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        return _ticks.Push(frame).ConvertAll(t => new SampledFrame(t.Frame, t.TickPts, t.TickIndex));
    }

    /// <summary>End of stream: the last frame serves every tick nearer to it than half an interval after it.</summary>
    public IReadOnlyList<SampledFrame> Flush() => _ticks.Flush().ConvertAll(t => new SampledFrame(t.Frame, t.TickPts, t.TickIndex));
}
