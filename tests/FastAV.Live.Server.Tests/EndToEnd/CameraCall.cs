using System.Diagnostics;
using FastAV.Live.Contracts.V1;
using FastAV.Live.Media;
using Google.Protobuf;
using Grpc.Core;
using Contract = FastAV.Live.Contracts.V1;

namespace FastAV.Live.Server.Tests.EndToEnd;

/// <summary>
/// A camera on one Stream call through the official .NET client (Grpc.Net.Client over the generated LiveAnalyticsClient):
/// sends demuxed packets, in real time or as fast as it can, with an optional pts rewrite (a clock jump), and collects
/// every response until the call ends.
/// </summary>
internal sealed class CameraCall : IDisposable
{
    private readonly AsyncDuplexStreamingCall<StreamRequest, StreamResponse> _call;
    private readonly Task<List<StreamResponse>> _reading;

    public CameraCall(LiveAnalytics.LiveAnalyticsClient client, TimeSpan patience)
    {
        _call = client.Stream(deadline: DateTime.UtcNow + patience);
        _reading = ReadAllAsync(_call.ResponseStream);
    }

    /// <summary>A StreamOpen for a demuxed clip: its H.264 and PCM tracks as they are.</summary>
    public static StreamOpen Open(string streamId, MediaStreamInfo info, params StandingQuestion[] standing)
    {
        var open = new StreamOpen
        {
            StreamId = streamId,
            Video = new VideoFormat { Codec = Contract.VideoCodec.H264, Width = (uint)info.Width, Height = (uint)info.Height, FrameRate = (float)info.FramesPerSecond },
            Audio = new AudioFormat { Codec = Contract.AudioCodec.PcmS16Le, SampleRateHz = (uint)info.SampleRate, Channels = (uint)info.Channels },
        };
        open.StandingQuestions.AddRange(standing);
        return open;
    }

    public Task SendAsync(StreamRequest request) => _call.RequestStream.WriteAsync(request);

    /// <summary>
    /// Sends the packets; in real time their pts (from the first) set the pace, else as fast as the call carries them.
    /// <paramref name="pts"/> rewrites each pts (a camera's clock as it sends it).
    /// </summary>
    public async Task SendPacketsAsync(IReadOnlyList<MediaPacket> packets, bool realTime, Func<long, long>? pts = null)
    {
        var clock = Stopwatch.StartNew();
        var first = packets[0].PtsMicroseconds;
        foreach (var packet in packets)
        {
            if (realTime)
            {
                var due = TimeSpan.FromMicroseconds(packet.PtsMicroseconds - first) - clock.Elapsed;
                if (due > TimeSpan.Zero) await Task.Delay(due);
            }

            var at = pts?.Invoke(packet.PtsMicroseconds) ?? packet.PtsMicroseconds;
            await _call.RequestStream.WriteAsync(packet switch
            {
                VideoPacket v => new StreamRequest { Video = new VideoFrame { PtsUs = at, Data = ByteString.CopyFrom(v.Data), Keyframe = v.IsKeyframe } },
                _ => new StreamRequest { Audio = new AudioChunk { PtsUs = at, Data = ByteString.CopyFrom(packet.Data) } },
            });
        }
    }

    /// <summary>Half-closes and waits for every response; returns them and the call's status.</summary>
    public async Task<(List<StreamResponse> Responses, Status Status)> FinishAsync()
    {
        await _call.RequestStream.CompleteAsync();
        return await ResultAsync();
    }

    /// <summary>Every response until the call ended, and its status.</summary>
    public async Task<(List<StreamResponse> Responses, Status Status)> ResultAsync()
    {
        var responses = await _reading;
        return (responses, _call.GetStatus());
    }

    public void Dispose() => _call.Dispose();

    private static async Task<List<StreamResponse>> ReadAllAsync(IAsyncStreamReader<StreamResponse> stream)
    {
        var all = new List<StreamResponse>();
        try
        {
            while (await stream.MoveNext(CancellationToken.None)) all.Add(stream.Current);
        }
        catch (RpcException)
        {
            // The call ended with a status; ResultAsync reports it.
        }

        return all;
    }
}
