using System.Collections.Concurrent;
using FastAV.Live.Contracts.V1;
using FastAV.Live.Server.Tests.EndToEnd;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;

namespace FastAV.Live.Server.Tests.Streams;

/// <summary>Issue 19, item 6: what an operator reads about a stream in the server's log, from a real server and client.</summary>
public sealed class StreamLogTests
{
    [Fact]
    public async Task Open_close_and_clock_jumps_are_logged_with_the_stream_id_and_no_question_text_or_media()
    {
        var lines = new ConcurrentQueue<(LogLevel Level, EventId Event, string Text)>();
        var clip = (await TinyClips.GetAsync())[0];
        await using (var server = await LiveServer.StartAsync(
            inference: o => (o.Model, o.MaxBacklogSeconds, o.MaxQueuedWindows) = (Path.Combine(PythonProbe.RepoRoot, "models", "fastav-tiny"), 60, 64),
            logging: l => l.AddProvider(new Recorder(lines)).SetMinimumLevel(LogLevel.Debug)))
        {
            using var channel = GrpcChannel.ForAddress(server.Address);
            var client = new LiveAnalytics.LiveAnalyticsClient(channel);
            using var camera = new CameraCall(client, TimeSpan.FromMinutes(2));
            const string Secret = "is the vault door open tonight?";
            await camera.SendAsync(new StreamRequest { Open = ClipStream.Open(clip, "door-7", PruningPolicy.Fastav, [new StandingQuestion { QuestionId = "vault", Text = Secret, IntervalMs = 1000 }]) });
            for (var w = 0; w < clip.Windows; w++)
            {
                foreach (var request in ClipStream.Window(clip, w))
                {
                    if (w >= 3 && request.Video is { } v) v.PtsUs += 3_600_000_000; // the video clock steps an hour ahead
                    await camera.SendAsync(request);
                }
            }

            await camera.SendAsync(new StreamRequest { Question = new Question { QuestionId = "ask", Text = Secret } });
            var (_, status) = await camera.FinishAsync();
            Assert.Equal(StatusCode.OK, status.StatusCode);

            using var refused = new CameraCall(client, TimeSpan.FromMinutes(1));
            await refused.SendAsync(new StreamRequest { Open = new StreamOpen { StreamId = "door-8" } });
            Assert.Equal(StatusCode.InvalidArgument, (await refused.ResultAsync()).Status.StatusCode);
        }

        var stream = lines.Where(l => l.Text.Contains("door-", StringComparison.Ordinal)).ToList();
        var opened = Assert.Single(stream, l => l.Event.Id == 1900);
        Assert.Equal(LogLevel.Information, opened.Level);
        Assert.Matches(@"^stream door-7 opened by ipv4:127\.0\.0\.1:\d+: video RawRgb24 32x32, audio PcmF32Le 16000 Hz x1, model fastav-tiny, pruning Fastav, KV StreamingLlm \d+ tokens/layer, window 1000 ms, 1 standing question\(s\)$", opened.Text);
        var closed = Assert.Single(stream, l => l.Event.Id == 1901);
        Assert.Equal(LogLevel.Information, closed.Level);
        Assert.Matches(@"^stream door-7 closed \(completed\) after \d+\.\d s from ipv4:127\.0\.0\.1:\d+: media 5\.5 s, video 12 accepted / 0 rejected, audio 6 / 0, windows 6 prefilled / 0 dropped, answers 7 sent / 0 dropped, 1 pts discontinuities, 0 decode errors$", closed.Text);
        var jump = Assert.Single(stream, l => l.Event.Id == 1902);
        Assert.Equal(LogLevel.Warning, jump.Level);
        Assert.StartsWith("stream door-7: PtsDiscontinuity: VideoFrame.pts_us: jumped forward 3600000000 µs", jump.Text, StringComparison.Ordinal);
        var refusal = Assert.Single(stream, l => l.Event.Id == 1904);
        Assert.StartsWith("stream door-8 refused for ipv4:127.0.0.1:", refusal.Text, StringComparison.Ordinal);

        // Operators' lines never carry what was asked or seen.
        Assert.DoesNotContain(lines, l => l.Level >= LogLevel.Information && l.Text.Contains("vault door", StringComparison.Ordinal));
    }

    private sealed class Recorder(ConcurrentQueue<(LogLevel, EventId, string)> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(lines);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<(LogLevel, EventId, string)> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue((logLevel, eventId, formatter(state, exception)));
        }
    }
}
