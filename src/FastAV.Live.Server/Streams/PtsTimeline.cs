namespace FastAV.Live.Server.Streams;

/// <summary>
/// One track's map from the client's pts to the stream's timeline. The timeline is the client's clock until the
/// track's first discontinuity: a gap forward of more than the bound (an NTP step of the camera's clock), or a step
/// back by more than it from where the next message was due (a camera reboot restarts its pts). There the track is re-based: the message lands where the
/// track's next one was due (right after the last chunk, or one frame interval after the last frame), so no windows
/// are made for the gap, and later pts keep that shift. A reset is measured from where the next message was due; a step
/// back beyond the reorder tolerance but within the bound is an error, not a reset.
/// </summary>
public sealed class PtsTimeline
{
    private readonly long _maxGapUs;
    private readonly long _reorderToleranceUs;
    private long _lastPtsUs = -1;
    private long _lastEndUs = -1;
    private long _intervalUs;

    /// <param name="maxGapUs">Largest gap forward (and step back, when beyond <paramref name="reorderToleranceUs"/>) that is still one clock.</param>
    /// <param name="reorderToleranceUs">How far pts may go back below the largest so far (B-frames in decode order).</param>
    public PtsTimeline(long maxGapUs, long reorderToleranceUs)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxGapUs);
        ArgumentOutOfRangeException.ThrowIfNegative(reorderToleranceUs);
        _maxGapUs = maxGapUs;
        _reorderToleranceUs = reorderToleranceUs;
    }

    /// <summary>Added to the client's pts to place it on the timeline (0 until the first discontinuity).</summary>
    public long ShiftUs { get; private set; }

    /// <summary>Discontinuities so far.</summary>
    public int DiscontinuityCount { get; private set; }

    /// <summary>The track's largest pts on the client's clock since its last discontinuity; -1 before any.</summary>
    public long LastPtsUs => _lastPtsUs;

    /// <summary>The gap a step must exceed to be a discontinuity, µs.</summary>
    public long MaxGapUs => _maxGapUs;

    /// <summary>
    /// Places a message's pts (≥ 0) on the timeline and remembers it; false (nothing remembered) when it goes back beyond
    /// the reorder tolerance but not far enough to be a reset. <paramref name="jumpUs"/> is how far the client's clock
    /// moved when this message is a discontinuity (positive forward, negative back; the change of <see cref="ShiftUs"/>,
    /// negated), else 0.
    /// </summary>
    /// <param name="durationUs">The message's own media duration when known (PCM chunks), else 0.</param>
    public bool TryPlace(long ptsUs, long durationUs, out long timelineUs, out long jumpUs)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ptsUs);
        ArgumentOutOfRangeException.ThrowIfNegative(durationUs);
        jumpUs = 0;
        if (_lastPtsUs >= 0)
        {
            // Where the track's next message was due (right after the last chunk, or a frame interval after the last frame).
            var due = _lastEndUs > _lastPtsUs ? _lastEndUs : _lastPtsUs + _intervalUs;
            var reset = due - ptsUs > Math.Max(_maxGapUs, _reorderToleranceUs);
            if (ptsUs - _lastEndUs > _maxGapUs || reset)
            {
                // This message lands where the next one was due, on the timeline.
                var shift = due + ShiftUs - ptsUs;
                jumpUs = ShiftUs - shift;
                ShiftUs = shift;
                DiscontinuityCount++;
                _lastPtsUs = ptsUs;
                _lastEndUs = ptsUs + durationUs;
                timelineUs = ptsUs + ShiftUs;
                return true;
            }

            if (_lastPtsUs - ptsUs > _reorderToleranceUs)
            {
                timelineUs = 0;
                return false;
            }

            if (ptsUs > _lastPtsUs) _intervalUs = ptsUs - _lastPtsUs;
        }

        _lastPtsUs = Math.Max(_lastPtsUs, ptsUs);
        _lastEndUs = Math.Max(_lastEndUs, ptsUs + durationUs);
        timelineUs = ptsUs + ShiftUs;
        return true;
    }
}
