using System.Diagnostics;
using Grpc.Core;
using Contract = FastAV.Live.Contracts.V1;

namespace FastAV.Live.LoadTests.Streaming;

/// <summary>One reading of the server's own figures (ListStreamsResponse.server) at a moment of the run.</summary>
public sealed record ServerSample(double WallSeconds, long RssBytes, long ManagedHeapBytes, long LiveTensors, long KvBytes, int Streams, int DetachedStreams);

/// <summary>
/// Reads the server's process figures (RSS, managed heap, live tensors, KV bytes over its streams) through ListStreams
/// every interval for as long as it runs: the server reports them itself, so this works for a remote target too.
/// A reading that fails (the server busy past the deadline) is skipped, not fatal.
/// </summary>
public sealed class ServerSampler(Contract.LiveAnalytics.LiveAnalyticsClient client, TimeSpan interval) : IAsyncDisposable
{
    private const int Readings = 8;
    private static readonly TimeSpan ReadingGap = TimeSpan.FromMilliseconds(25);
    private readonly List<ServerSample> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private bool _stopped;

    public IReadOnlyList<ServerSample> Samples
    {
        get
        {
            lock (_samples)
            {
                return _samples.ToArray();
            }
        }
    }

    public void Start() => _loop = Task.Run(() => LoopAsync(_stop.Token));

    public async ValueTask DisposeAsync()
    {
        if (_stopped) return;
        _stopped = true;
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null) await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task LoopAsync(CancellationToken stop)
    {
        var clock = Stopwatch.StartNew();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                // A sample is Readings quick readings: the live tensor count is their least (tensors of a step in
                // flight come and go within milliseconds; what stays between steps is what could leak), the rest their median.
                var at = clock.Elapsed.TotalSeconds;
                var readings = new List<Contract.ServerStats>(Readings);
                for (var i = 0; i < Readings; i++)
                {
                    var s = (await client.ListStreamsAsync(new Contract.ListStreamsRequest { PageSize = 1 }, deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: stop).ConfigureAwait(false)).Server;
                    if (s is not null) readings.Add(s);
                    await Task.Delay(ReadingGap, stop).ConfigureAwait(false);
                }

                if (readings.Count > 0)
                {
                    long Median(Func<Contract.ServerStats, ulong> f) => (long)readings.Select(f).Order().ElementAt(readings.Count / 2);
                    lock (_samples)
                    {
                        _samples.Add(new ServerSample(at, Median(r => r.RssBytes), Median(r => r.ManagedHeapBytes), (long)readings.Min(r => r.LiveTensors), Median(r => r.KvBytes), (int)readings[^1].Streams, (int)readings[^1].DetachedStreams));
                    }
                }

                await Task.Delay(interval, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Cancelled)
            {
                return;
            }
            catch (RpcException)
            {
                // A missed reading; the next one comes an interval later.
            }
        }
    }
}
