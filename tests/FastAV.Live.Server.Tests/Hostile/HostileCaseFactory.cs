namespace FastAV.Live.Server.Tests.Hostile;

/// <summary>The common shape of most hostile cases: valid requests, then malformed bytes, on the shared connection.</summary>
public static class HostileCaseFactory
{
    /// <summary>
    /// A case that sends <paramref name="validTexts"/> as proper messages, then <paramref name="malformed"/>, cut
    /// into DATA frames at a random size (so every malformed part also crosses read boundaries).
    /// </summary>
    public static HostileCase Framing(
        Random random, HostileCategory category, string name, EchoMethod method, List<string> validTexts, byte[] malformed,
        HostileOutcome expected, bool endStream = true, (string Name, string Value)[]? extraHeaders = null, string? reportHeader = null)
    {
        var body = validTexts.SelectMany(RawGrpcRequest.Message).Concat(malformed).ToArray();
        var chunk = random.Next(4) == 0 && body.Length < 4096 ? random.Next(1, 8) : random.Next(8, RawGrpcRequest.MaxDataFrameSize + 1);
        var frames = RawGrpcRequest.Split(body, chunk);
        var headers = RawGrpcRequest.Headers(method.Path, extra: extraHeaders ?? []);
        return new HostileCase(
            category,
            $"{category} {name} on {method.Name} after {validTexts.Count} valid, {frames.Count} DATA frames{(endStream ? "" : ", no END_STREAM")}",
            expected,
            context => RawGrpcRequest.ExchangeAsync(context.SharedConnection, headers, frames, endStream, reportHeader));
    }

    public static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    public static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];
}
