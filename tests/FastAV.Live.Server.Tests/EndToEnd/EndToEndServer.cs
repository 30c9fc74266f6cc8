using FastAV.Live.Contracts.V1;
using Grpc.Core;
using Grpc.Net.Client;
using FastAV.Live.Server.Inference;
using FastAV.Live.Server.Services;

namespace FastAV.Live.Server.Tests.EndToEnd;

/// <summary>The real server with the embedded models/fastav-tiny, and a whole-clip Stream call through our C# client.</summary>
internal static class EndToEndServer
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    public static Task<LiveServer> StartAsync(
        Action<FastAV.Live.Server.Streams.LiveAnalyticsOptions>? configure = null, Action<InferenceOptions>? inference = null, Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder>? host = null) =>
        LiveServer.StartWithHostAsync(configure, o =>
        {
            // Clips arrive as fast as loopback carries them, not in real time: a backlog limit above a clip's length
            // keeps every window, so answers do not depend on timing (dropping has its own test).
            o.Model = Path.Combine(PythonProbe.RepoRoot, "models", "fastav-tiny");
            o.MaxBacklogSeconds = 60;
            o.MaxQueuedWindows = 64;
            inference?.Invoke(o);
        }, host);

    /// <summary>Streams the clip (with <paramref name="between"/> requests after each window) to the end and returns every response and the status.</summary>
    public static async Task<(List<StreamResponse> Responses, Status Status)> RunClipAsync(
        GrpcChannel channel, Clip clip, StreamOpen open, Func<int, IEnumerable<StreamRequest>>? between = null)
    {
        using var call = new LiveAnalytics.LiveAnalyticsClient(channel).Stream(new CallOptions(deadline: DateTime.UtcNow + Patience));
        var reading = ReadAllAsync(call.ResponseStream);
        await call.RequestStream.WriteAsync(new StreamRequest { Open = open });
        for (var w = 0; w < clip.Windows; w++)
        {
            foreach (var request in ClipStream.Window(clip, w)) await call.RequestStream.WriteAsync(request);
            foreach (var request in between?.Invoke(w) ?? []) await call.RequestStream.WriteAsync(request);
        }

        await call.RequestStream.CompleteAsync();
        var responses = await reading;
        return (responses, call.GetStatus());
    }

    /// <summary>The first answer to each question id.</summary>
    public static Dictionary<string, Answer> FirstAnswers(IEnumerable<StreamResponse> responses)
    {
        var first = new Dictionary<string, Answer>();
        foreach (var r in responses)
        {
            if (r.KindCase == StreamResponse.KindOneofCase.Answer) first.TryAdd(r.Answer.QuestionId, r.Answer);
        }

        return first;
    }

    private static async Task<List<StreamResponse>> ReadAllAsync(IAsyncStreamReader<StreamResponse> stream)
    {
        var all = new List<StreamResponse>();
        while (await stream.MoveNext(CancellationToken.None)) all.Add(stream.Current);
        return all;
    }
}
