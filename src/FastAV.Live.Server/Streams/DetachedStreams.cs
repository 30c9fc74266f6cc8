using System.Security.Cryptography;
using Grpc.Core;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace FastAV.Live.Server.Streams;

/// <summary>
/// Streams whose call ended without the client's half-close, held for a resume in a <see cref="MemoryCache"/> of their
/// own: each entry's size is the stream's KV bytes, the cache's limit is LiveAnalytics:MaxDetachedKvBytes, and each
/// entry expires after LiveAnalytics:ResumeGracePeriod (a cancellation token that fires on time, so expiry does not
/// wait for the cache's next scan). Whichever comes first — resume, expiry, eviction for size, a new StreamOpen of the
/// id, an engine failure — ends the detach, and only one of them does: the stream's lifecycle (<see cref="LiveStream.TryResume"/>,
/// <see cref="LiveStream.TryEnd"/>) decides, so the eviction callback frees a stream's tensors exactly once (on the
/// engine thread: it closes the stream's engine handle, whose removal runs there). The stream stays in the registry while
/// detached, so Ask, GetStream and ListStreams see it (state DETACHED); lookups go through the registry alone.
/// </summary>
public sealed class DetachedStreams : IDisposable
{
    private readonly MemoryCache _cache;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Ticket, bool> _timers = new();
    private readonly StreamRegistry _registry;
    private readonly LiveAnalyticsOptions _options;
    private readonly TimeProvider _time;
    private long _detached;
    private long _resumed;
    private long _expired;
    private long _evicted;
    private long _discarded;
    private long _failed;
    private long _held;

    public DetachedStreams(StreamRegistry registry, IOptions<LiveAnalyticsOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _registry = registry;
        _options = options.Value;
        _time = time;
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = _options.MaxDetachedKvBytes });
    }

    /// <summary>Whether streams are kept for resume at all (ResumeGracePeriod &gt; 0).</summary>
    public bool Enabled => _options.ResumeGracePeriod > TimeSpan.Zero;

    public long DetachedTotal => Interlocked.Read(ref _detached);

    public long ResumedTotal => Interlocked.Read(ref _resumed);

    public long ExpiredTotal => Interlocked.Read(ref _expired);

    public long EvictedTotal => Interlocked.Read(ref _evicted);

    public long DiscardedTotal => Interlocked.Read(ref _discarded);

    /// <summary>Streams ended by an engine failure (live or detached).</summary>
    public long FailedTotal => Interlocked.Read(ref _failed);

    /// <summary>Streams detached now.</summary>
    public long Count => Interlocked.Read(ref _held);

    /// <summary>A new opaque resume token: 192 random bits, base64url.</summary>
    public static string NewToken() => Base64Url(RandomNumberGenerator.GetBytes(24));

    /// <summary>Holds a stream whose call ended without a half-close (its route already buffers) until it is resumed or freed.</summary>
    public void Detach(LiveStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var generation = stream.BeginDetach();
        Interlocked.Increment(ref _detached);
        Interlocked.Increment(ref _held);
        if (stream.Route is { } route) route.DetachedFailure = _ => Fail(stream);
        var expiry = new CancellationTokenSource(_options.ResumeGracePeriod, _time);
        var ticket = new Ticket(generation, expiry);
        _timers[ticket] = true;
        var entry = new MemoryCacheEntryOptions { Size = Math.Max(1, stream.Engine?.KvBytes ?? 0) }
            .AddExpirationToken(new CancellationChangeToken(expiry.Token))
            .RegisterPostEvictionCallback(Evicted, ticket);
        _cache.Set(stream, stream, entry);
    }

    /// <summary>Reattaches a detached stream when the token is its own; false (NOT_FOUND for the caller) otherwise.</summary>
    public bool TryResume(LiveStream stream, string token)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.TryResume(token)) return false;
        Interlocked.Increment(ref _resumed);
        Interlocked.Decrement(ref _held);
        stream.Counters.AddResume();
        _cache.Remove(stream); // its callback finds the stream live again and leaves it be
        return true;
    }

    /// <summary>A StreamOpen without a token took the id of a detached stream: the detached one is freed now.</summary>
    public void Discard(LiveStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.TryEnd(0)) return;
        Interlocked.Increment(ref _discarded);
        Release(stream);
        _cache.Remove(stream);
    }

    /// <summary>Counts a live stream that ended because its engine work failed.</summary>
    public void CountFailure() => Interlocked.Increment(ref _failed);

    /// <summary>At shutdown: the grace timers stop (the engine frees every cache as it stops), then the cache goes.</summary>
    public void Dispose()
    {
        foreach (var ticket in _timers.Keys) ticket.Expiry.Dispose();
        _cache.Dispose();
    }

    private void Fail(LiveStream stream)
    {
        if (!stream.TryEnd(0)) return;
        Interlocked.Increment(ref _failed);
        Release(stream);
        _cache.Remove(stream);
    }

    private void Evicted(object key, object? value, EvictionReason reason, object? state)
    {
        var ticket = (Ticket)state!;
        _timers.TryRemove(ticket, out _);
        ticket.Expiry.Dispose();
        var stream = (LiveStream)value!;
        if (!stream.TryEnd(ticket.Generation)) return; // resumed, discarded, failed, or detached again since
        if (reason == EvictionReason.Capacity)
        {
            Interlocked.Increment(ref _evicted);
        }
        else
        {
            Interlocked.Increment(ref _expired);
        }

        Release(stream);
    }

    // The engine lets go of the stream (its KV cache is freed on the engine thread) before the registry frees its id.
    private void Release(LiveStream stream)
    {
        Interlocked.Decrement(ref _held);
        stream.Inference?.Dispose();
        _registry.Close(stream);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private sealed record Ticket(int Generation, CancellationTokenSource Expiry);
}
