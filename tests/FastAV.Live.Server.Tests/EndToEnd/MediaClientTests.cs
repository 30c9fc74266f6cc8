using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace FastAV.Live.Server.Tests.EndToEnd;

/// <summary>
/// Issue 19, item 7: the Python (grpcio) and Node (grpc-js) clients stream a real media file through the ffmpeg CLI,
/// not only the project's JSON test clips, against the real server with the embedded model; the Stream call carries
/// x-fastav-stream-id.
/// </summary>
public sealed class MediaClientTests
{
    public static TheoryData<string, string> Clients => new()
    {
        { "/usr/bin/python3", Path.Combine("clients", "python", "stream_media.py") },
        { "node", Path.Combine("clients", "node", "stream_media.js") },
    };

    [Theory]
    [MemberData(nameof(Clients))]
    public async Task A_client_streams_an_mp4_with_h264_and_aac_and_gets_one_answer_per_second(string interpreter, string script)
    {
        var mp4 = CameraClips.Mp4(640, 360, 25, 4);
        var headers = new ConcurrentQueue<(string Path, string StreamId)>();
        await using var server = await EndToEndServer.StartAsync(host: b => b.Services.AddSingleton<IStartupFilter>(new StreamIdHeaders(headers)));
        var (exit, stdout, stderr) = await PythonProbe.RunProcessAsync(interpreter,
            [Path.Combine(PythonProbe.RepoRoot, script), mp4, "--target", server.Target, "--stream-id", "phone", "--json",
                "--standing", "how many objects are there?", "--every", "1", "--question", "what colour is the square?"], "");

        Assert.True(exit == 0, $"{script} exited {exit}: {stderr}");
        var result = JsonNode.Parse(stdout)!;
        Assert.Equal(0, (int)result["status"]!);
        Assert.Equal("fastav-tiny", (string)result["accepted"]!["model"]!);
        Assert.Contains("Not for real scenes", (string)result["accepted"]!["domain"]!, StringComparison.Ordinal);
        var stats = result["stats"]!;
        Assert.Equal(8, (int)stats["video_frames_accepted"]!); // 4 s at 2 frames a second, 320x180 RGB
        Assert.InRange((int)stats["audio_chunks_accepted"]!, 40, 41); // 100 ms chunks of 16 kHz PCM (AAC may pad the end)
        Assert.Equal(0, (int)stats["rejected"]!);
        Assert.Equal(4, (int)stats["windows_prefilled"]!);
        var answers = result["answers"]!.AsArray();
        Assert.Equal([1_000_000L, 2_000_000L, 3_000_000L, 4_000_000L], answers.Where(x => (string)x!["question_id"]! == "q1").Select(x => (long)x!["span"]![1]!));
        var ask = Assert.Single(answers, x => (string)x!["question_id"]! == "ask1")!;
        Assert.Equal("", (string)ask["failure"]!);
        Assert.InRange((double)ask["confidence"]!, 1e-6, 1.0);
        Assert.Empty(result["warnings"]!.AsArray());

        // The Stream call carried the id as metadata too, for routers that hash on it (clients/README.md).
        Assert.Contains(("/fastav.live.v1.LiveAnalytics/Stream", "phone"), headers);
    }

    /// <summary>Records each request's path and x-fastav-stream-id header as it reaches the server, before anything else runs.</summary>
    private sealed class StreamIdHeaders(ConcurrentQueue<(string Path, string StreamId)> into) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, rest) =>
            {
                into.Enqueue((context.Request.Path.Value ?? "", context.Request.Headers["x-fastav-stream-id"].ToString()));
                await rest(context);
            });
            next(app);
        };
    }
}
