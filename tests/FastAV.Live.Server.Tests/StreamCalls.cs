using FastAV.Live.Contracts.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace FastAV.Live.Server.Tests;

/// <summary>Whole Stream calls for tests: send every request, half-close, collect every response and the status.</summary>
internal static class StreamCalls
{
    public static async Task<(List<StreamResponse> Responses, Status Status)> RunToEndAsync(
        GrpcChannel channel, IReadOnlyList<StreamRequest> requests, TimeSpan patience, Metadata? headers = null)
    {
        using var call = new LiveAnalytics.LiveAnalyticsClient(channel).Stream(new CallOptions(headers, DateTime.UtcNow + patience));
        var responses = new List<StreamResponse>();
        var reading = Task.Run(async () =>
        {
            try
            {
                while (await call.ResponseStream.MoveNext())
                {
                    responses.Add(call.ResponseStream.Current);
                }
            }
            catch (RpcException)
            {
                // The status is read below.
            }
        });
        try
        {
            foreach (var request in requests)
            {
                await call.RequestStream.WriteAsync(request);
            }

            await call.RequestStream.CompleteAsync();
        }
        catch (Exception ex) when (ex is RpcException or IOException or InvalidOperationException or OperationCanceledException)
        {
            // The server ended the call early; its status says why.
        }

        await reading;
        return (responses, call.GetStatus());
    }

    public static async Task<List<StreamResponse>> DrainAsync(IAsyncStreamReader<StreamResponse> responses)
    {
        var all = new List<StreamResponse>();
        while (await responses.MoveNext())
        {
            all.Add(responses.Current);
        }

        return all;
    }
}
