using Grpc.Core;

namespace FastAV.Live.Client;

/// <summary>Knobs of a <see cref="LiveAnalyticsClient"/>; every call may override the deadline.</summary>
public sealed record LiveClientOptions
{
    /// <summary>Deadline of Ask, ListStreams and GetStream when a call names none. Default 30 s.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Deadline of a whole Stream call when the open names none; null = no deadline (a live stream runs as long as it runs). Default null.</summary>
    public TimeSpan? StreamTimeout { get; init; }

    /// <summary>Sent as "authorization: Bearer &lt;token&gt;" on every call when set. Default none.</summary>
    public string? BearerToken { get; init; }

    /// <summary>Further metadata sent on every call (e.g. a tenant header). Default none.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>Attempts of ListStreams and GetStream when the server is UNAVAILABLE (exponential backoff from 100 ms); 1 = no retry. Default 4.</summary>
    public int MaxReadAttempts { get; init; } = 4;

    /// <summary>PEM or DER certificate of the CA that signed the server's certificate (or the self-signed certificate itself), trusted instead of the system's CAs for https://. Default none (system CAs).</summary>
    public string? CaCertificatePath { get; init; }

    /// <summary>While calls are open, ping the server after this long without a frame from it; Infinite = never. Default 30 s.</summary>
    public TimeSpan KeepAlivePingDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A ping unanswered this long fails the connection and its calls (UNAVAILABLE). Default 20 s.</summary>
    public TimeSpan KeepAlivePingTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Throws ArgumentException naming the first bad property.</summary>
    public void Validate()
    {
        if (CallTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(CallTimeout), CallTimeout, "must be positive");
        }

        if (StreamTimeout is { } s && s <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(StreamTimeout), s, "must be positive when set");
        }

        if (MaxReadAttempts is < 1 or > 5)
        {
            // gRPC caps retry attempts at 5 (the channel's MaxRetryAttempts).
            throw new ArgumentOutOfRangeException(nameof(MaxReadAttempts), MaxReadAttempts, "must be in [1, 5]");
        }

        if (CaCertificatePath is { } ca && !File.Exists(ca))
        {
            throw new ArgumentException($"CA certificate '{ca}' does not exist", nameof(CaCertificatePath));
        }

        if (KeepAlivePingDelay != Timeout.InfiniteTimeSpan && KeepAlivePingDelay < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(KeepAlivePingDelay), KeepAlivePingDelay, "must be at least 1 s, or Infinite");
        }

        if (KeepAlivePingTimeout != Timeout.InfiniteTimeSpan && KeepAlivePingTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(KeepAlivePingTimeout), KeepAlivePingTimeout, "must be positive, or Infinite");
        }

        if (BearerToken is { } token && (token.Length == 0 || !token.All(IsVisibleAscii)))
        {
            throw new ArgumentException("must be non-empty printable ASCII without spaces", nameof(BearerToken));
        }

        foreach (var (key, value) in Headers)
        {
            if (key.Length == 0 || !key.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' or '.'))
            {
                throw new ArgumentException($"header name '{key}' must be lower-case [a-z0-9-_.]", nameof(Headers));
            }

            if (key.EndsWith(Metadata.BinaryHeaderSuffix, StringComparison.Ordinal) || !value.All(c => c is >= ' ' and <= '~'))
            {
                throw new ArgumentException($"header '{key}' must be a printable ASCII (non -bin) header", nameof(Headers));
            }
        }
    }

    internal Metadata ToMetadata()
    {
        var metadata = new Metadata();
        if (BearerToken is { } token)
        {
            metadata.Add("authorization", "Bearer " + token);
        }

        foreach (var (key, value) in Headers)
        {
            metadata.Add(key, value);
        }

        return metadata;
    }

    private static bool IsVisibleAscii(char c) => c is > ' ' and <= '~';
}
