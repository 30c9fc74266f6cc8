using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace FastAV.Live.Server.Hosting;

/// <summary>Kestrel's HTTP/2 limits for long-lived gRPC streams with large messages (configuration section "Http2"); validated at start-up.</summary>
public sealed class Http2LimitOptions
{
    public const string SectionName = "Http2";

    /// <summary>Concurrent calls (HTTP/2 streams) per connection. Default 1000 (Kestrel's is 100: one operator console can watch more streams).</summary>
    public int MaxStreamsPerConnection { get; set; } = 1000;

    /// <summary>
    /// Receive window of a connection, bytes. Default 16 MiB (Kestrel's 1 MiB throttles 256 KiB messages): at least one
    /// stream window, so a connection carrying one large frame still has room for other calls.
    /// </summary>
    public int InitialConnectionWindowSize { get; set; } = 16 << 20;

    /// <summary>Receive window of one call, bytes. Default 8 MiB: a raw 1080p RGB frame (6.2 MB) arrives in one window, without a round trip per 768 KiB.</summary>
    public int InitialStreamWindowSize { get; set; } = 8 << 20;

    /// <summary>
    /// After this long without a frame from the client, the server pings it. Default 10 s. A client that is
    /// stopped or cut off (no FIN: power loss, a frozen process) is found by the ping, not by TCP after minutes,
    /// and its streams and stream ids are freed. Infinite (-00:00:00.001) turns pings off.
    /// </summary>
    public TimeSpan KeepAlivePingDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A ping unanswered this long closes the connection (its calls end, their stream ids are freed). Default 10 s.</summary>
    public TimeSpan KeepAlivePingTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The problems, each naming its key; empty when the options are valid.</summary>
    public List<string> Validate()
    {
        var failures = new List<string>();
        const int MaxWindow = int.MaxValue;
        if (MaxStreamsPerConnection < 1)
        {
            failures.Add($"{SectionName}:{nameof(MaxStreamsPerConnection)} must be at least 1, got {MaxStreamsPerConnection}.");
        }

        // Kestrel's own bounds: a window is at least the protocol's initial 65,535 bytes and at most 2^31 - 1.
        if (InitialStreamWindowSize is < 65_535 or > MaxWindow)
        {
            failures.Add($"{SectionName}:{nameof(InitialStreamWindowSize)} must be in [65535, {MaxWindow}], got {InitialStreamWindowSize}.");
        }

        if (InitialConnectionWindowSize < InitialStreamWindowSize)
        {
            failures.Add($"{SectionName}:{nameof(InitialConnectionWindowSize)} ({InitialConnectionWindowSize}) must be at least {nameof(InitialStreamWindowSize)} ({InitialStreamWindowSize}).");
        }

        if (!IsPositiveOrInfinite(KeepAlivePingDelay) || (KeepAlivePingDelay != Timeout.InfiniteTimeSpan && KeepAlivePingDelay < TimeSpan.FromSeconds(1)))
        {
            failures.Add($"{SectionName}:{nameof(KeepAlivePingDelay)} must be at least 00:00:01 or infinite (-00:00:00.001), got {KeepAlivePingDelay}.");
        }

        if (!IsPositiveOrInfinite(KeepAlivePingTimeout))
        {
            failures.Add($"{SectionName}:{nameof(KeepAlivePingTimeout)} must be positive or infinite (-00:00:00.001), got {KeepAlivePingTimeout}.");
        }

        return failures;
    }

    public void Apply(Http2Limits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        limits.MaxStreamsPerConnection = MaxStreamsPerConnection;
        limits.InitialConnectionWindowSize = InitialConnectionWindowSize;
        limits.InitialStreamWindowSize = InitialStreamWindowSize;
        limits.KeepAlivePingDelay = KeepAlivePingDelay;
        limits.KeepAlivePingTimeout = KeepAlivePingTimeout;
    }

    private static bool IsPositiveOrInfinite(TimeSpan value) => value == Timeout.InfiniteTimeSpan || value > TimeSpan.Zero;
}
