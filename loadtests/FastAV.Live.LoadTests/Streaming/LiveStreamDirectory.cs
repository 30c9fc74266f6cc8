using System.Collections.Concurrent;

namespace FastAV.Live.LoadTests.Streaming;

/// <summary>The streams of this run that have sent media and can be asked about (Ask from other clients picks from here).</summary>
public sealed class LiveStreamDirectory
{
    private readonly ConcurrentDictionary<string, byte> _ids = new(StringComparer.Ordinal);

    public int Count => _ids.Count;

    public void Add(string streamId) => _ids.TryAdd(streamId, 0);

    public void Remove(string streamId) => _ids.TryRemove(streamId, out _);

    public string? Pick(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var ids = _ids.Keys.ToArray();
        return ids.Length == 0 ? null : ids[random.Next(ids.Length)];
    }
}
