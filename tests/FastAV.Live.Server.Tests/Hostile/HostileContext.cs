namespace FastAV.Live.Server.Tests.Hostile;

/// <summary>What a running hostile case may use: the server's endpoints, a shared connection, an HTTP/1.1 client.</summary>
public sealed class HostileContext(HostileServer server, HttpClient http1Client)
{
    /// <summary>How long any single exchange may take before it counts as a hang.</summary>
    public static readonly TimeSpan ExchangeTimeout = TimeSpan.FromSeconds(20);

    public HostileServer Server { get; } = server;

    public HttpClient Http1Client { get; } = http1Client;

    /// <summary>The worker's shared connection; null for cases that open their own.</summary>
    public RawHttp2Connection? Connection { get; set; }

    public RawHttp2Connection SharedConnection => Connection ?? throw new InvalidOperationException("This case runs without a shared connection.");

}
