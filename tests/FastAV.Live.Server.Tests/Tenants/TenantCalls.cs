using FastAV.Live.Contracts.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace FastAV.Live.Server.Tests.Tenants;

/// <summary>One call of each LiveAnalytics kind with given metadata, reduced to the status it ended with (and what it returned).</summary>
internal static class TenantCalls
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    public static Metadata Key(string key) => new() { { "authorization", "Bearer " + key } };

    public static Metadata As(string tenant) => Key(TenantsFileWriter.KeyOf(tenant));

    public static Metadata With(this Metadata metadata, string key, string value)
    {
        metadata.Add(key, value);
        return metadata;
    }

    /// <summary>Stream (open, one frame, half-close), Ask, ListStreams or GetStream about <paramref name="streamId"/>.</summary>
    public static async Task<Status> CallAsync(GrpcChannel channel, string method, Metadata headers, string streamId = "cam-1")
    {
        var client = new LiveAnalytics.LiveAnalyticsClient(channel);
        try
        {
            switch (method)
            {
                case "Stream":
                    return (await StreamCalls.RunToEndAsync(channel, [StreamMessages.OpenRequest(streamId), StreamMessages.FrameRequest(0)], Patience, headers)).Status;
                case "Ask":
                    await AskAsync(client, headers, streamId);
                    return Status.DefaultSuccess;
                case "ListStreams":
                    await client.ListStreamsAsync(new ListStreamsRequest(), headers, Deadline);
                    return Status.DefaultSuccess;
                case "GetStream":
                    await client.GetStreamAsync(new GetStreamRequest { StreamId = streamId }, headers, Deadline);
                    return Status.DefaultSuccess;
                default:
                    throw new ArgumentOutOfRangeException(nameof(method), method, "a LiveAnalytics method");
            }
        }
        catch (RpcException ex)
        {
            return ex.Status;
        }
    }

    public static async Task<List<AnswerChunk>> AskAsync(LiveAnalytics.LiveAnalyticsClient client, Metadata headers, string streamId, string text = "is anyone at the door?", TimeSpan? patience = null)
    {
        using var call = client.Ask(new AskRequest { StreamId = streamId, Question = new Question { Text = text, MaxTokens = 8 } }, headers, DateTime.UtcNow + (patience ?? Patience));
        var chunks = new List<AnswerChunk>();
        while (await call.ResponseStream.MoveNext())
        {
            chunks.Add(call.ResponseStream.Current);
        }

        return chunks;
    }

    public static async Task<ListStreamsResponse> ListAsync(GrpcChannel channel, Metadata headers, ListStreamsRequest? request = null) =>
        await new LiveAnalytics.LiveAnalyticsClient(channel).ListStreamsAsync(request ?? new ListStreamsRequest(), headers, Deadline);

    /// <summary>A Stream call left open after StreamAccepted (or its refusal): the test ends it.</summary>
    public static async Task<(AsyncDuplexStreamingCall<StreamRequest, StreamResponse> Call, StreamResponse? First)> OpenAsync(GrpcChannel channel, Metadata headers, StreamOpen open, TimeSpan? patience = null)
    {
        var call = new LiveAnalytics.LiveAnalyticsClient(channel).Stream(headers, DateTime.UtcNow + (patience ?? Patience));
        await call.RequestStream.WriteAsync(new StreamRequest { Open = open });
        try
        {
            return (call, await call.ResponseStream.MoveNext() ? call.ResponseStream.Current : null);
        }
        catch (RpcException)
        {
            return (call, null);
        }
    }

    /// <summary>Half-closes an open Stream call and reads it to its end: every response and the status.</summary>
    public static async Task<(List<StreamResponse> Responses, Status Status)> FinishAsync(AsyncDuplexStreamingCall<StreamRequest, StreamResponse> call)
    {
        var responses = new List<StreamResponse>();
        try
        {
            await call.RequestStream.CompleteAsync();
            while (await call.ResponseStream.MoveNext())
            {
                responses.Add(call.ResponseStream.Current);
            }
        }
        catch (RpcException)
        {
            // The status is read below.
        }

        return (responses, call.GetStatus());
    }

    private static DateTime Deadline => DateTime.UtcNow + Patience;
}
