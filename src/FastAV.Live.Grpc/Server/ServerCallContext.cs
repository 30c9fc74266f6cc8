using System.Net.Sockets;
using FastAV.Live.Grpc.Server;
using Microsoft.AspNetCore.Http;

namespace FastAV.Live.Grpc;

/// <summary>What a handler knows about its call, and how it shapes the response's headers and trailers.</summary>
public sealed class ServerCallContext
{
    private readonly ServerCall _call;
    private readonly HttpContext _http;

    internal ServerCallContext(ServerCall call, HttpContext http, string method, DateTime deadline, Metadata requestHeaders, CancellationToken cancellationToken)
    {
        _call = call;
        _http = http;
        Method = method;
        Deadline = deadline;
        RequestHeaders = requestHeaders;
        CancellationToken = cancellationToken;
    }

    /// <summary>"/package.Service/Method".</summary>
    public string Method { get; }

    public string Host => _http.Request.Host.Value ?? "";

    /// <summary>"ipv4:127.0.0.1:5000" or "ipv6:[::1]:5000".</summary>
    public string Peer
    {
        get
        {
            var connection = _http.Connection;
            if (connection.RemoteIpAddress is null)
            {
                return "unknown";
            }

            return connection.RemoteIpAddress.AddressFamily == AddressFamily.InterNetworkV6
                ? $"ipv6:[{connection.RemoteIpAddress}]:{connection.RemotePort}"
                : $"ipv4:{connection.RemoteIpAddress}:{connection.RemotePort}";
        }
    }

    /// <summary>UTC; DateTime.MaxValue when the client set no deadline.</summary>
    public DateTime Deadline { get; }

    public Metadata RequestHeaders { get; }

    public Metadata ResponseTrailers { get; } = new();

    /// <summary>Canceled when the client cancels, the deadline passes, or the server shuts the call down.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>The status sent when the handler returns normally (default OK).</summary>
    public Status Status { get; set; } = Status.DefaultSuccess;

    /// <summary>Options for the following response writes.</summary>
    public WriteOptions? WriteOptions { get; set; }

    /// <summary>Response encoding for this call (identity, gzip, deflate); set before the first write. Used only if the client accepts it.</summary>
    public string? ResponseCompression { get; set; }

    /// <summary>Whether the request message read last arrived compressed (its frame's compressed flag).</summary>
    public bool LastRequestCompressed => _call.LastRequestCompressed;

    public Task WriteResponseHeadersAsync(Metadata responseHeaders) => _call.WriteResponseHeadersAsync(responseHeaders);

    public HttpContext GetHttpContext() => _http;
}
