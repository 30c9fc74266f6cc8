using FastAV.Live.Contracts.V1;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace FastAV.Live.Server.Tests.Observability;

/// <summary>
/// A camera for the observability tests: 32×32 RAW RGB24 frames at 2 per second (a red square crossing a grey field)
/// and one second of 16 kHz f32 PCM per window (a 440 Hz tone), the geometry models/fastav-tiny takes. Its content
/// does not matter here — what the server counts, times and shows does.
/// </summary>
internal static class TestCamera
{
    public const int Side = 32;
    public const int FramesPerWindow = 2;

    public static StreamOpen Open(string streamId, params StandingQuestion[] standing)
    {
        var open = new StreamOpen
        {
            StreamId = streamId,
            Video = new VideoFormat { Codec = VideoCodec.RawRgb24, Width = Side, Height = Side, FrameRate = FramesPerWindow },
            Audio = new AudioFormat { Codec = AudioCodec.PcmF32Le, SampleRateHz = 16000, Channels = 1 },
        };
        open.Labels.Add("site", "door-3");
        open.Labels.Add("camera", "lobby");
        open.StandingQuestions.AddRange(standing);
        return open;
    }

    public static StandingQuestion Standing(string id, string text) => new() { QuestionId = id, Text = text, IntervalMs = 1000, MaxTokens = 8 };

    /// <summary>Window <paramref name="window"/>'s frames and audio, in the order a camera sends them.</summary>
    public static IEnumerable<StreamRequest> Window(int window)
    {
        for (var f = 0; f < FramesPerWindow; f++)
        {
            var frame = new byte[Side * Side * 3];
            Array.Fill(frame, (byte)96);
            var x0 = ((window * FramesPerWindow) + f) * 3 % (Side - 8);
            for (var y = 12; y < 20; y++)
            {
                for (var x = x0; x < x0 + 8; x++)
                {
                    var i = ((y * Side) + x) * 3;
                    frame[i] = 220;
                    frame[i + 1] = 30;
                    frame[i + 2] = 30;
                }
            }

            yield return new StreamRequest { Video = new VideoFrame { PtsUs = (window * 1_000_000L) + (f * 1_000_000L / FramesPerWindow), Data = ByteString.CopyFrom(frame) } };
        }

        var audio = new byte[16000 * 4];
        for (var i = 0; i < 16000; i++)
        {
            BitConverter.TryWriteBytes(audio.AsSpan(i * 4), (float)(0.3 * Math.Sin(2 * Math.PI * 440 * i / 16000.0)));
        }

        yield return new StreamRequest { Audio = new AudioChunk { PtsUs = window * 1_000_000L, Data = ByteString.CopyFrom(audio) } };
    }

    /// <summary>
    /// A whole Stream call: StreamOpen, <paramref name="windows"/> windows (each followed by <paramref name="between"/>'s
    /// requests, then <paramref name="pace"/>), <paramref name="whileOpen"/> before the client finishes sending, then every
    /// response and the status.
    /// </summary>
    public static async Task<(List<StreamResponse> Responses, Status Status)> RunAsync(
        GrpcChannel channel, StreamOpen open, int windows, TimeSpan pace = default, Func<int, IEnumerable<StreamRequest>>? between = null, Func<Task>? whileOpen = null)
    {
        using var call = new LiveAnalytics.LiveAnalyticsClient(channel).Stream(new CallOptions(deadline: DateTime.UtcNow.AddMinutes(2)));
        var accepted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reading = ReadAllAsync(call.ResponseStream, accepted);
        await call.RequestStream.WriteAsync(new StreamRequest { Open = open });
        for (var w = 0; w < windows; w++)
        {
            foreach (var request in Window(w)) await call.RequestStream.WriteAsync(request);
            foreach (var request in between?.Invoke(w) ?? []) await call.RequestStream.WriteAsync(request);
            if (pace > TimeSpan.Zero) await Task.Delay(pace);
        }

        if (whileOpen is not null)
        {
            await accepted.Task.WaitAsync(TimeSpan.FromSeconds(30)); // the stream is registered: other calls can find it
            await whileOpen();
        }
        await call.RequestStream.CompleteAsync();
        var responses = await reading;
        return (responses, call.GetStatus());
    }

    /// <summary>Waits until <paramref name="windows"/> of the stream's windows are in its cache (an Ask before any is FAILED_PRECONDITION "no media yet").</summary>
    public static async Task WaitForPrefilledAsync(GrpcChannel channel, string streamId, int windows)
    {
        var client = new LiveAnalytics.LiveAnalyticsClient(channel);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await client.GetStreamAsync(new GetStreamRequest { StreamId = streamId })).Stream.Stats.WindowsPrefilled < (ulong)windows)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{streamId}: fewer than {windows} windows prefilled after 60 s");
            await Task.Delay(50);
        }
    }

    private static async Task<List<StreamResponse>> ReadAllAsync(IAsyncStreamReader<StreamResponse> stream, TaskCompletionSource accepted)
    {
        var all = new List<StreamResponse>();
        try
        {
            while (await stream.MoveNext(CancellationToken.None))
            {
                all.Add(stream.Current);
                if (stream.Current.KindCase == StreamResponse.KindOneofCase.Accepted) accepted.TrySetResult();
            }
        }
        finally
        {
            accepted.TrySetResult();
        }

        return all;
    }
}
