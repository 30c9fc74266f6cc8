namespace FastAV.Live.Media;

/// <summary>
/// Resamples a frame sequence of any rate to the model's rate by pts: tick k (at first pts + k/Fps)
/// takes the input frame nearest to it (the earlier one on a tie), so fast input is dropped, slow
/// input duplicated, and clock jitter below half a frame interval changes nothing.
/// Keeps one frame of state.
/// </summary>
public sealed class FrameSampler
{
    private readonly double _tickMicroseconds;
    private DecodedFrame? _previous;
    private bool _previousEmitted;
    private long _originPts;
    private long _nextTick;

    public FrameSampler(FrameSamplerOptions? options = null)
    {
        var o = options ?? new FrameSamplerOptions();
        o.Validate();
        _tickMicroseconds = 1_000_000 / o.Fps;
    }

    public FrameSamplerStats Stats { get; } = new();

    /// <summary>Media time of tick k.</summary>
    public long TickPts(long k) => _originPts + (long)Math.Round(k * _tickMicroseconds);

    /// <summary>Adds the next decoded frame; returns the ticks it completes.</summary>
    public IReadOnlyList<SampledFrame> Push(DecodedFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        Stats.InputFrameCount++;
        if (_previous is null)
        {
            _originPts = frame.PtsMicroseconds;
        }
        else if (frame.PtsMicroseconds <= _previous.PtsMicroseconds)
        {
            Stats.LateFrameCount++;
            return [];
        }

        var output = new List<SampledFrame>();
        while (TickPts(_nextTick) <= frame.PtsMicroseconds)
        {
            var tick = TickPts(_nextTick);
            var usePrevious = _previous is not null && tick - _previous.PtsMicroseconds <= frame.PtsMicroseconds - tick;
            Emit(output, usePrevious ? _previous! : frame, usePrevious);
        }

        if (_previous is not null && !_previousEmitted)
        {
            Stats.DroppedFrameCount++;
        }

        _previousEmitted = output.Count > 0 && ReferenceEquals(output[^1].Frame, frame);
        _previous = frame;
        return output;
    }

    /// <summary>End of stream: the last frame serves every tick nearer to it than half an interval after it.</summary>
    public IReadOnlyList<SampledFrame> Flush()
    {
        var output = new List<SampledFrame>();
        if (_previous is null)
        {
            return output;
        }

        while (TickPts(_nextTick) - _previous.PtsMicroseconds < _tickMicroseconds / 2)
        {
            Emit(output, _previous, usePrevious: true);
        }

        if (!_previousEmitted)
        {
            Stats.DroppedFrameCount++;
        }

        _previous = null;
        _previousEmitted = false;
        _nextTick = 0;
        return output;
    }

    private void Emit(List<SampledFrame> output, DecodedFrame chosen, bool usePrevious)
    {
        var alreadyEmitted = usePrevious
            ? _previousEmitted || (output.Count > 0 && ReferenceEquals(output[^1].Frame, chosen))
            : output.Count > 0 && ReferenceEquals(output[^1].Frame, chosen);
        if (alreadyEmitted)
        {
            Stats.DuplicatedFrameCount++;
        }

        if (usePrevious)
        {
            _previousEmitted = true;
        }

        output.Add(new SampledFrame(chosen, TickPts(_nextTick), _nextTick));
        _nextTick++;
        Stats.OutputFrameCount++;
    }
}
