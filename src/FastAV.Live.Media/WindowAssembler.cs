namespace FastAV.Live.Media;

/// <summary>
/// Cuts sampled frames and decoded audio into windows of W seconds of media time. Chunks may arrive
/// late, early or out of order within <see cref="WindowAssemblerOptions.LatenessToleranceSeconds"/>;
/// a window is emitted once media time has passed its end by that tolerance, or at <see cref="Flush"/>.
/// At most a bounded number of windows is open at once.
/// </summary>
public sealed class WindowAssembler
{
    private readonly WindowAssemblerOptions _options;
    private readonly long _windowSamples;
    private readonly long _latenessMicroseconds;
    private readonly long _maxOpenWindows;
    private readonly SortedDictionary<long, WindowBuilder> _open = [];
    private long? _origin;
    private long _nextIndex;
    private long _watermark = long.MinValue;

    public WindowAssembler(WindowAssemblerOptions? options = null)
    {
        _options = options ?? new WindowAssemblerOptions();
        _options.Validate();
        _windowSamples = (long)Math.Round(_options.WindowSeconds * _options.AudioSampleRate);
        _latenessMicroseconds = (long)(_options.LatenessToleranceSeconds * 1_000_000);
        _maxOpenWindows = (long)Math.Ceiling(_options.MaxAheadSeconds / _options.WindowSeconds);
        _origin = _options.OriginMicroseconds;
    }

    public WindowAssemblerStats Stats { get; } = new();

    public long WindowStartPts(long index) => _origin!.Value + (long)Math.Round(index * _options.WindowSeconds * 1_000_000);

    public IReadOnlyList<MediaWindow> AddFrame(SampledFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var t = frame.TickPtsMicroseconds;
        _origin ??= t;
        var index = IndexOf(t);
        var builder = index < _nextIndex ? null : Open(index);
        if (index < _nextIndex)
        {
            Stats.LateFrameCount++;
        }
        else if (builder is null)
        {
            Stats.EarlyFrameCount++;
            return []; // rejected data must not move media time either
        }
        else if (!builder.TryAddFrame(frame))
        {
            Stats.DuplicateFrameCount++;
        }

        return Advance(t);
    }

    public IReadOnlyList<MediaWindow> AddAudio(AudioBlock block)
    {
        ArgumentNullException.ThrowIfNull(block);
        if (block.SampleRate != _options.AudioSampleRate)
        {
            throw new ArgumentException($"audio at {block.SampleRate} Hz; this assembler takes {_options.AudioSampleRate} Hz", nameof(block));
        }

        _origin ??= block.StartPtsMicroseconds;
        var first = (long)Math.Round((block.StartPtsMicroseconds - _origin.Value) * (double)_options.AudioSampleRate / 1_000_000);
        var samples = block.Samples;
        var i = 0L;
        var acceptedEnd = long.MinValue;
        while (i < samples.LongLength)
        {
            var s = first + i;
            var index = FloorDiv(s, _windowSamples);
            var offset = s - (index * _windowSamples);
            var count = Math.Min(_windowSamples - offset, samples.LongLength - i);
            if (index < _nextIndex)
            {
                Stats.LateAudioSampleCount += count;
            }
            else if (Open(index) is { } builder)
            {
                Stats.DuplicateAudioSampleCount += builder.AddAudio(samples.AsSpan((int)i, (int)count), (int)offset);
                acceptedEnd = block.StartPtsMicroseconds + ((i + count) * 1_000_000 / _options.AudioSampleRate);
            }
            else
            {
                Stats.EarlyAudioSampleCount += count;
            }

            i += count;
        }

        return acceptedEnd == long.MinValue ? [] : Advance(acceptedEnd);
    }

    /// <summary>
    /// Emits every open window whose end the media received so far has reached, without waiting out the lateness
    /// tolerance: a barrier (a question asked "now" covers what was sent before it). Data arriving later for those
    /// windows counts as late. Windows media has not reached stay open.
    /// </summary>
    public IReadOnlyList<MediaWindow> CloseReached() => CloseThrough(long.MaxValue);

    /// <summary>
    /// Like <see cref="CloseReached"/>, but only for windows ending at or before <paramref name="mediaTimeMicroseconds"/>:
    /// the caller knows every track has passed that time (no late data is coming), so there is nothing to wait for.
    /// </summary>
    public IReadOnlyList<MediaWindow> CloseThrough(long mediaTimeMicroseconds)
    {
        var output = new List<MediaWindow>();
        var through = Math.Min(mediaTimeMicroseconds, _watermark);
        while (_open.Count > 0)
        {
            var index = _open.Keys.First();
            if (WindowStartPts(index + 1) > through)
            {
                break;
            }

            EmitThrough(index, output);
        }

        return output;
    }

    /// <summary>End of stream: emits every open window (the last ones may be partial).</summary>
    public IReadOnlyList<MediaWindow> Flush()
    {
        var output = new List<MediaWindow>();
        while (_open.Count > 0)
        {
            var index = _open.Keys.First();
            EmitThrough(index, output);
        }

        return output;
    }

    private long IndexOf(long pts) => FloorDiv((long)Math.Round((pts - _origin!.Value) * (double)_options.AudioSampleRate / 1_000_000), _windowSamples);

    private static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);

    private WindowBuilder? Open(long index)
    {
        if (_open.TryGetValue(index, out var builder))
        {
            return builder;
        }

        var oldest = _open.Count > 0 ? Math.Min(_open.Keys.First(), _nextIndex) : _nextIndex;
        if (index - oldest >= _maxOpenWindows)
        {
            return null;
        }

        builder = new WindowBuilder(index, (int)_windowSamples);
        _open.Add(index, builder);
        return builder;
    }

    private List<MediaWindow> Advance(long mediaTime)
    {
        _watermark = Math.Max(_watermark, mediaTime);
        var output = new List<MediaWindow>();
        while (_open.Count > 0)
        {
            var index = _open.Keys.First();
            if (WindowStartPts(index + 1) + _latenessMicroseconds > _watermark)
            {
                break;
            }

            EmitThrough(index, output);
        }

        return output;
    }

    private void EmitThrough(long index, List<MediaWindow> output)
    {
        Stats.SkippedEmptyWindowCount += index - _nextIndex;
        var builder = _open[index];
        _open.Remove(index);
        var end = WindowStartPts(index + 1);
        output.Add(builder.Build(WindowStartPts(index), end, isPartial: end > _watermark));
        Stats.WindowCount++;
        _nextIndex = index + 1;
    }
}
