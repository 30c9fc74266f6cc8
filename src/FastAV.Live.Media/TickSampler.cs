namespace FastAV.Live.Media;

/// <summary>
/// The frame sampler's algorithm over any frame type (a decoded picture, or one held undecoded until chosen): tick k
/// (at first pts + k/Fps) takes the input frame nearest to it (the earlier one on a tie), so fast input is dropped,
/// slow input duplicated, and clock jitter below half a frame interval changes nothing. Keeps one frame of state.
/// </summary>
internal sealed class TickSampler<TFrame>(double fps, Func<TFrame, long> ptsOf, FrameSamplerStats stats)
    where TFrame : class
{
    private readonly double _tickMicroseconds = 1_000_000 / fps;
    private TFrame? _previous;
    private bool _previousEmitted;
    private long _originPts;
    private long _nextTick;

    public double TickMicroseconds => _tickMicroseconds;

    /// <summary>The frame the next input is compared with (chosen or not yet); null before the first frame.</summary>
    public TFrame? Previous => _previous;

    /// <summary>True once the first frame fixed the ticks' origin.</summary>
    public bool HasOrigin => _previous is not null || _nextTick > 0;

    public long TickPts(long k) => _originPts + (long)Math.Round(k * _tickMicroseconds);

    /// <summary>Media-time distance from <paramref name="pts"/> to the nearest tick (ticks before the first are not ticks).</summary>
    public long DistanceToNearestTick(long pts)
    {
        var k = Math.Max(0, (long)Math.Round((pts - _originPts) / _tickMicroseconds));
        var best = long.MaxValue;
        for (var j = Math.Max(0, k - 1); j <= k + 1; j++)
        {
            best = Math.Min(best, Math.Abs(pts - TickPts(j)));
        }

        return best;
    }

    /// <summary>Adds the next frame; returns the ticks it completes with the frame each one takes.</summary>
    public List<(TFrame Frame, long TickPts, long TickIndex)> Push(TFrame frame)
    {
        stats.InputFrameCount++;
        var pts = ptsOf(frame);
        if (_previous is null)
        {
            _originPts = pts;
        }
        else if (pts <= ptsOf(_previous))
        {
            stats.LateFrameCount++;
            return [];
        }

        var output = new List<(TFrame, long, long)>();
        while (TickPts(_nextTick) <= pts)
        {
            var tick = TickPts(_nextTick);
            var usePrevious = _previous is not null && tick - ptsOf(_previous) <= pts - tick;
            Emit(output, usePrevious ? _previous! : frame, usePrevious);
        }

        if (_previous is not null && !_previousEmitted)
        {
            stats.DroppedFrameCount++;
        }

        _previousEmitted = output.Count > 0 && ReferenceEquals(output[^1].Item1, frame);
        _previous = frame;
        return output;
    }

    /// <summary>End of stream: the last frame serves every tick nearer to it than half an interval after it.</summary>
    public List<(TFrame Frame, long TickPts, long TickIndex)> Flush()
    {
        var output = new List<(TFrame, long, long)>();
        if (_previous is null)
        {
            return output;
        }

        while (TickPts(_nextTick) - ptsOf(_previous) < _tickMicroseconds / 2)
        {
            Emit(output, _previous, usePrevious: true);
        }

        if (!_previousEmitted)
        {
            stats.DroppedFrameCount++;
        }

        _previous = null;
        _previousEmitted = false;
        _nextTick = 0;
        return output;
    }

    private void Emit(List<(TFrame, long, long)> output, TFrame chosen, bool usePrevious)
    {
        var alreadyEmitted = usePrevious
            ? _previousEmitted || (output.Count > 0 && ReferenceEquals(output[^1].Item1, chosen))
            : output.Count > 0 && ReferenceEquals(output[^1].Item1, chosen);
        if (alreadyEmitted)
        {
            stats.DuplicatedFrameCount++;
        }

        if (usePrevious)
        {
            _previousEmitted = true;
        }

        output.Add((chosen, TickPts(_nextTick), _nextTick));
        _nextTick++;
        stats.OutputFrameCount++;
    }
}
