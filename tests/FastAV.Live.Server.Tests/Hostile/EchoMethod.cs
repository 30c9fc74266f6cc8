using Grpc.Core;

namespace FastAV.Live.Server.Tests.Hostile;

/// <summary>
/// An <see cref="EchoService"/> method as hostile cases see it: how many valid requests may precede the
/// malformed part, and what a failing call has answered by the time it fails.
/// </summary>
public sealed record EchoMethod(string Path, bool AcceptsManyRequests, bool RepliesPerRequest)
{
    public static readonly EchoMethod Unary = new(RawGrpcRequest.UnaryPath, false, false);
    public static readonly EchoMethod ServerStream = new(RawGrpcRequest.ServerStreamPath, false, false);
    public static readonly EchoMethod ClientStream = new(RawGrpcRequest.ClientStreamPath, true, false);
    public static readonly EchoMethod Duplex = new(RawGrpcRequest.DuplexPath, true, true);

    public static readonly EchoMethod[] All = [Unary, ServerStream, ClientStream, Duplex];

    public string Name => Path[(Path.LastIndexOf('/') + 1)..];

    public static EchoMethod Pick(Random random) => All[random.Next(All.Length)];

    /// <summary>Texts of valid requests to send before the malformed part (none for single-request methods).</summary>
    public List<string> ValidPrefix(Random random, string tag) =>
        AcceptsManyRequests ? [.. Enumerable.Range(0, random.Next(0, 4)).Select(i => $"{tag}-{i}")] : [];

    /// <summary>A call that fails with <paramref name="status"/> after the valid requests: duplex echoed them first.</summary>
    public HostileOutcome FailsAfter(StatusCode status, IReadOnlyList<string> validTexts, string extra = "") =>
        RepliesPerRequest && validTexts.Count > 0 ? HostileOutcome.Grpc(status, validTexts, extra) : HostileOutcome.Grpc(status, null, extra);

    /// <summary>The answer of a successful call with these requests.</summary>
    public HostileOutcome Succeeds(IReadOnlyList<string> texts)
    {
        if (this == ServerStream)
        {
            // No message written means no response headers either: the status comes trailers-only.
            var count = int.Parse(texts[0], System.Globalization.CultureInfo.InvariantCulture);
            return HostileOutcome.Grpc(StatusCode.OK, count == 0 ? null : [.. Enumerable.Range(0, count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        }

        return HostileOutcome.Grpc(StatusCode.OK, this == ClientStream ? [string.Join(",", texts)] : texts);
    }
}
