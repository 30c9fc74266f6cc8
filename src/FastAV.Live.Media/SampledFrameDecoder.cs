namespace FastAV.Live.Media;

/// <summary>
/// Decodes one video stream into the frames the model samples, and only those: the <see cref="FrameSampler"/>'s rule
/// runs on decoded pictures still held by the decoder, so only the chosen ones are converted — straight from YUV to
/// RGB24 at the model's input size (<see cref="FrameFit.Resized"/>: letterbox or crop comes after, in
/// <see cref="ImagePreprocessor"/>, as padding or cropping only). Pictures no tick can take are not decoded at all
/// when nothing refers to them (H.264/HEVC non-reference pictures, JPEGs).
/// <para>
/// What "no tick can take" means: a tick takes the frame just before or just after it, so with frames at most twice
/// the median spacing apart every candidate lies within two spacings of a tick; pictures farther from every tick are
/// skipped. The sampled frames then equal, bit for bit, those of decoding everything and sampling afterwards (tests
/// check H.264 with B-frames, HEVC and MJPEG); a stream with gaps over twice its median spacing next to a tick could
/// get the next-nearest frame instead. <see cref="SampledFrameDecoderOptions.SkipUnsampledFrames"/> = false decodes all.
/// </para>
/// </summary>
public sealed class SampledFrameDecoder : IDisposable
{
    private const int SpacingWindow = 16;
    private readonly SampledFrameDecoderOptions _options;
    private readonly VideoDecoder _decoder;
    private readonly TickSampler<HeldFrame> _ticks;
    private readonly long[] _recentPts = new long[SpacingWindow];
    private readonly long[] _sorted = new long[SpacingWindow];
    private readonly long[] _gaps = new long[SpacingWindow - 1];
    private int _recentCount;
    private int _recentNext;

    public SampledFrameDecoder(VideoCodec codec, SampledFrameDecoderOptions? options = null)
    {
        _options = options ?? new SampledFrameDecoderOptions();
        _options.Validate();
        _decoder = new VideoDecoder(codec, _options.Decoder);
        _ticks = new TickSampler<HeldFrame>(_options.Fps, f => f.PtsMicroseconds, SamplerStats);
    }

    public VideoCodec Codec => _decoder.Codec;

    public VideoDecoderStats DecoderStats => _decoder.Stats;

    public FrameSamplerStats SamplerStats { get; } = new();

    /// <summary>
    /// The latest presentation time of a picture the decoder has output, µs (long.MinValue before the first). Pictures are
    /// decoded near every tick, so this passes each tick (and each window end on the tick grid) once the tick is decided.
    /// </summary>
    public long DecodedThroughMicroseconds { get; private set; } = long.MinValue;

    /// <summary>Decodes one packet; returns the ticks it completes, each with its frame converted to the model's size.</summary>
    public IReadOnlyList<SampledFrame> Decode(VideoPacket packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        var skip = _options.SkipUnsampledFrames && FarFromEveryTick(packet.PtsMicroseconds);
        Remember(packet.PtsMicroseconds);
        var output = new List<SampledFrame>();
        _decoder.DecodeHeld(packet, skip, frame => Take(frame, output));
        return output;
    }

    /// <summary>End of stream: what the decoder still holds, then the sampler's last ticks.</summary>
    public IReadOnlyList<SampledFrame> Flush()
    {
        var output = new List<SampledFrame>();
        _decoder.FlushHeld(frame => Take(frame, output));
        var last = _ticks.Previous;
        foreach (var (chosen, tick, index) in _ticks.Flush())
        {
            Emit(chosen, tick, index, output);
        }

        if (last is not null) _decoder.Release(last);
        _recentCount = 0;
        _recentNext = 0;
        return output;
    }

    public void Dispose() => _decoder.Dispose();

    private void Take(HeldFrame frame, List<SampledFrame> output)
    {
        DecodedThroughMicroseconds = Math.Max(DecodedThroughMicroseconds, frame.PtsMicroseconds);
        var previous = _ticks.Previous;
        foreach (var (chosen, tick, index) in _ticks.Push(frame))
        {
            Emit(chosen, tick, index, output);
        }

        // A frame no later tick can take goes back to the decoder: the one the new frame replaced as the sampler's
        // previous, or the new frame itself when the sampler refused it (not after the previous one).
        if (previous is not null && !ReferenceEquals(_ticks.Previous, previous)) _decoder.Release(previous);
        if (!ReferenceEquals(_ticks.Previous, frame)) _decoder.Release(frame);
    }

    private void Emit(HeldFrame chosen, long tick, long index, List<SampledFrame> output)
    {
        if (chosen.Converted is null)
        {
            var (width, height) = _options.Fit?.Resized(chosen.Width, chosen.Height) ?? (chosen.Width, chosen.Height);
            chosen.Converted = _decoder.Convert(chosen, width, height);
        }

        if (chosen.Converted is { } frame) output.Add(new SampledFrame(frame, tick, index));
    }

    private bool FarFromEveryTick(long pts)
    {
        if (!_ticks.HasOrigin || _recentCount < 4)
        {
            return false;
        }

        var spacing = MedianSpacing();
        return spacing > 0 && _ticks.DistanceToNearestTick(pts) > 2 * spacing;
    }

    private void Remember(long pts)
    {
        _recentPts[_recentNext] = pts;
        _recentNext = (_recentNext + 1) % SpacingWindow;
        _recentCount = Math.Min(_recentCount + 1, SpacingWindow);
    }

    // Median gap between consecutive presentation times of the recent packets (sorted: decode order is not pts order).
    private long MedianSpacing()
    {
        var n = _recentCount;
        Array.Copy(_recentPts, _sorted, n);
        Array.Sort(_sorted, 0, n);
        for (var i = 1; i < n; i++)
        {
            _gaps[i - 1] = _sorted[i] - _sorted[i - 1];
        }

        Array.Sort(_gaps, 0, n - 1);
        return _gaps[(n - 1) / 2];
    }
}
