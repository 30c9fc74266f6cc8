using FastAV.Live.Grpc;

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
