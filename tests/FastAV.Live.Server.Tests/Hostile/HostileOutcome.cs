using Grpc.Core;

namespace FastAV.Live.Server.Tests.Hostile;

/// <summary>
/// What a hostile request got back, in one comparable value: the kind of answer, its code (grpc-status,
/// HTTP status, HTTP/2 error code) and the details that must match too (trailers-only or not, the replies,
/// a header the case cares about). Expected and observed outcomes are compared with plain equality.
/// </summary>
public readonly record struct HostileOutcome(string Kind, int Code, string Detail)
{
    /// <summary>A gRPC status: trailers-only, or after the echoed replies.</summary>
    public static HostileOutcome Grpc(StatusCode status, IReadOnlyList<string>? replies = null, string extra = "") =>
        new("grpc-status", (int)status, (replies is null ? "trailers-only" : $"replies=[{string.Join(",", replies)}]") + extra);

    /// <summary>A non-200 HTTP status on HTTP/2, with the grpc-status header the server adds.</summary>
    public static HostileOutcome Http(int status, string extra = "") => new("http", status, "grpc-status=13" + extra);

    public static HostileOutcome Reset(Http2ErrorCode code) => new("rst-stream", (int)code, "");

    public static HostileOutcome GoAway(Http2ErrorCode code, int lastStreamId) => new("goaway", (int)code, $"last-stream={lastStreamId}; closed");

    /// <summary>An HTTP/1.1 status line (and the detail the case asks for).</summary>
    public static HostileOutcome Http1(int status, string extra) => new("http/1.1", status, extra);

    /// <summary>The server sent nothing more on a stream the client reset, and the connection kept serving.</summary>
    public static HostileOutcome SilentAfterReset => new("silent-after-client-reset", 0, "connection serves the next call");

    /// <summary>The client dropped the connection; a fresh connection is served.</summary>
    public static HostileOutcome SurvivedDrop => new("dropped-by-client", 0, "server serves a fresh connection");

    public static HostileOutcome Failed(string what) => new("unexpected", -1, what);

    public override string ToString() => $"{Kind} {Code} ({Detail})";
}
