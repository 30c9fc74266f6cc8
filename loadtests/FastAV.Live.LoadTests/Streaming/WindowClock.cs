using System.Diagnostics;

namespace FastAV.Live.LoadTests.Streaming;

/// <summary>
/// When each moment of media was fully sent: after every write the media time covered on every declared track
/// (a packet covers its pts up to the next packet's) is stamped with the wall clock. A window ending at media time
/// E "closed" when the covered time first reached E — the start of a standing answer's latency.
/// </summary>
internal sealed class WindowClock(bool video, bool audio)
{
    private const int MaxEntries = 4096;

    private readonly object _gate = new();
    private readonly List<(long CoveredUs, long Timestamp)> _entries = [];
    private long _videoUs = video ? 0 : long.MaxValue;
    private long _audioUs = audio ? 0 : long.MaxValue;

    /// <summary>Media time sent on every track, microseconds.</summary>
    public long CoveredUs
    {
        get
        {
            lock (_gate)
            {
                return Math.Min(_videoUs, _audioUs) == long.MaxValue ? 0 : Math.Min(_videoUs, _audioUs);
            }
        }
    }

    public void Sent(bool isVideo, long endUs, long timestamp)
    {
        lock (_gate)
        {
            if (isVideo) _videoUs = Math.Max(_videoUs, endUs);
            else _audioUs = Math.Max(_audioUs, endUs);
            var covered = Math.Min(_videoUs, _audioUs);
            if (_entries.Count > 0 && _entries[^1].CoveredUs >= covered) return;
            if (_entries.Count >= MaxEntries) _entries.RemoveRange(0, MaxEntries / 2);
            _entries.Add((covered, timestamp));
        }
    }

    /// <summary>The Stopwatch timestamp at which media up to <paramref name="endUs"/> had been sent, or null if it has not (or is too old to be remembered).</summary>
    public long? ClosedAt(long endUs)
    {
        lock (_gate)
        {
            var lo = 0;
            var hi = _entries.Count;
            while (lo < hi)
            {
                var mid = (lo + hi) / 2;
                if (_entries[mid].CoveredUs >= endUs) hi = mid;
                else lo = mid + 1;
            }

            return lo < _entries.Count ? _entries[lo].Timestamp : null;
        }
    }

    public static double MillisecondsSince(long timestamp) => Stopwatch.GetElapsedTime(timestamp).TotalMilliseconds;
}
