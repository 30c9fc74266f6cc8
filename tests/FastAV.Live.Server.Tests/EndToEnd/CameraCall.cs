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
    private readonly List<StreamResponse> _received = [];
    private readonly List<(Func<StreamResponse, bool> Match, TaskCompletionSource<(StreamResponse, long)> Done)> _waiters = [];
    private readonly Task<List<StreamResponse>> _reading;
    private bool _ended;

    public CameraCall(LiveAnalytics.LiveAnalyticsClient client, TimeSpan patience)
    {
        _call = client.Stream(deadline: DateTime.UtcNow + patience);
        _reading = ReadAllAsync();
    }

    /// <summary>
    /// The first response (already received or still to come) that matches, and the <see cref="Stopwatch"/> timestamp it
    /// arrived at; fails when the call ends first.
    /// </summary>
    public Task<(StreamResponse Response, long ArrivedAt)> WaitForAsync(Func<StreamResponse, bool> match)
    {
        var done = new TaskCompletionSource<(StreamResponse, long)>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_received)
        {
            if (_received.Find(r => match(r)) is { } seen) done.SetResult((seen, 0));
            else if (_ended) done.SetException(new InvalidOperationException("the call ended before a matching response"));
            else _waiters.Add((match, done));
        }

        return done.Task;
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

    private async Task<List<StreamResponse>> ReadAllAsync()
    {
        try
        {
            while (await _call.ResponseStream.MoveNext(CancellationToken.None))
            {
                var response = _call.ResponseStream.Current;
                var at = Stopwatch.GetTimestamp();
                lock (_received)
                {
                    _received.Add(response);
                    foreach (var waiter in _waiters.Where(w => w.Match(response)).ToList())
                    {
                        waiter.Done.TrySetResult((response, at));
                        _waiters.Remove(waiter);
                    }
                }
            }
        }
        catch (RpcException)
        {
            // The call ended with a status; ResultAsync reports it.
        }

        lock (_received)
        {
            _ended = true;
            foreach (var waiter in _waiters) waiter.Done.TrySetException(new InvalidOperationException("the call ended before a matching response"));
            _waiters.Clear();
            return [.. _received];
        }
    }
}
