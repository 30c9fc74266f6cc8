using System.Diagnostics;
using Grpc.Core;
using Contract = FastAV.Live.Contracts.V1;

namespace FastAV.Live.LoadTests.Streaming;

/// <summary>
/// One Ask about a live stream from another client, as an operator console would: the answer's tokens stream back;
/// time to first token and the gaps between later chunks go to <see cref="StreamingMetrics"/>; the response is ok
/// when the last chunk (done) arrived, its size the request plus every chunk.
/// </summary>
internal static class AskCall
{
    public static async Task<Response> RunAsync(
        Contract.LiveAnalytics.LiveAnalyticsClient client,
        string streamId,
        string question,
        int maxTokens,
        TimeSpan deadline,
        StreamingMetrics metrics,
        long startTimestamp,
        CancellationToken cancellationToken)
    {
        var request = new Contract.AskRequest { StreamId = streamId, Question = new Contract.Question { Text = question, MaxTokens = (uint)maxTokens } };
        var headers = new Metadata { { "x-fastav-stream-id", streamId } };
        using var call = client.Ask(request, headers, DateTime.UtcNow + deadline, cancellationToken);
        long bytes = request.CalculateSize();
        double? firstMs = null;
        var last = startTimestamp;
        var lastTokens = 0;
        var gaps = new List<(double, int)>();
        while (await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
        {
            var chunk = call.ResponseStream.Current;
            var now = Stopwatch.GetTimestamp();
            bytes += chunk.CalculateSize();
            var tokens = (int)chunk.TokenCount - lastTokens;
            if (tokens > 0)
            {
                if (firstMs is null) firstMs = Stopwatch.GetElapsedTime(startTimestamp, now).TotalMilliseconds;
                else gaps.Add((Stopwatch.GetElapsedTime(last, now).TotalMilliseconds, tokens));
                last = now;
                lastTokens = (int)chunk.TokenCount;
            }

            if (chunk.Done)
            {
                metrics.RecordAsk(firstMs ?? Stopwatch.GetElapsedTime(startTimestamp, now).TotalMilliseconds, gaps);
                return Response.Ok(sizeBytes: bytes);
            }
        }

        return Response.Fail(StatusCodes.ClientException, "Ask ended without its last chunk (done)", bytes);
    }
}
