using System.Net.Http;
using Grpc.Net.Client;
using FastAV.Live.LoadTests.Streaming;
using Contract = FastAV.Live.Contracts.V1;

namespace FastAV.Live.LoadTests.Scenarios;

/// <summary>
/// What a run's scenarios share: the client pool (several HTTP/2 connections, each allowed to open more when the
/// server's stream limit per connection is reached), the clip every camera replays, and the directory of streams
/// Ask can pick from.
/// </summary>
public sealed class Fleet : IDisposable
{
    private readonly List<GrpcChannel> _channels = [];
    private readonly List<Fleet> _isolated = [];
    private readonly int _channelCount;

    public Fleet(Uri target, MediaClip clip, int channels)
    {
        ArgumentNullException.ThrowIfNull(target);
        Clip = clip ?? throw new ArgumentNullException(nameof(clip));
        Target = target;
        _channelCount = channels;
        for (var i = 0; i < channels; i++)
        {
            var channel = GrpcChannel.ForAddress(target, new GrpcChannelOptions
            {
                HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan },
                MaxReceiveMessageSize = 16 << 20,
                MaxSendMessageSize = 32 << 20,
            });
            _channels.Add(channel);
            Clients.AddClient(new Contract.LiveAnalytics.LiveAnalyticsClient(channel));
        }
    }

    public Uri Target { get; }

    public MediaClip Clip { get; }

    public ClientPool<Contract.LiveAnalytics.LiveAnalyticsClient> Clients { get; } = new();

    public LiveStreamDirectory Directory { get; } = new();

    /// <summary>The same clip and target over connections of its own (clients that are not the others' neighbours on a connection); disposed with this fleet.</summary>
    public Fleet Isolated()
    {
        var fleet = new Fleet(Target, Clip, _channelCount);
        _isolated.Add(fleet);
        return fleet;
    }

    public void Dispose()
    {
        foreach (var f in _isolated) f.Dispose();
        _isolated.Clear();
        foreach (var c in _channels) c.Dispose();
        _channels.Clear();
    }
}
