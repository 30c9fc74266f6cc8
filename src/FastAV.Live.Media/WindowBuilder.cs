namespace FastAV.Live.Media;

/// <summary>One open window's frames (by tick) and audio (with a coverage mask, so duplicates are detected).</summary>
internal sealed class WindowBuilder(long index, int windowSamples)
{
    private readonly SortedList<long, SampledFrame> _frames = [];
    private readonly float[] _audio = new float[windowSamples];
    private readonly bool[] _covered = new bool[windowSamples];
    private int _coveredCount;

    public long Index { get; } = index;

    public bool TryAddFrame(SampledFrame frame) => _frames.TryAdd(frame.TickIndex, frame);

    /// <summary>Writes samples at offset; returns how many were already covered (kept as first received).</summary>
    public int AddAudio(ReadOnlySpan<float> samples, int offset)
    {
        var duplicates = 0;
        for (var i = 0; i < samples.Length; i++)
        {
            if (_covered[offset + i])
            {
                duplicates++;
                continue;
            }

            _covered[offset + i] = true;
            _audio[offset + i] = samples[i];
            _coveredCount++;
        }

        return duplicates;
    }

    public MediaWindow Build(long start, long end, bool isPartial) =>
        new(Index, start, end, [.. _frames.Values], _audio, _audio.Length - _coveredCount, isPartial);
}
