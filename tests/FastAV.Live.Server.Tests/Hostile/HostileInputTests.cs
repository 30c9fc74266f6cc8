using System.Collections.Concurrent;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Xunit.Abstractions;

namespace FastAV.Live.Server.Tests.Hostile;

/// <summary>
/// Over a thousand malformed requests against the real server (<see cref="HostileServer"/>), generated from a seed and run over
/// several connections at once, each checked for its exact answer (grpc-status, HTTP status, RST_STREAM or
/// GOAWAY code) while a duplex call of our own client keeps ping-ponging on the side. Afterwards the healthy
/// call ends cleanly, every sleeping handler a reset interrupted saw its cancellation, and a new call is served.
/// </summary>
public sealed class HostileInputTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>Change (or set HOSTILE_SEED) to explore other inputs; failures name the seed so they can be replayed.</summary>
    private const int DefaultSeed = 20_260_521;
    private const int WorkerCount = 6;
    private const int MinimumCaseCount = 1_000;

    private HostileServer _server = null!;

    private static int Seed =>
        int.TryParse(Environment.GetEnvironmentVariable("HOSTILE_SEED"), System.Globalization.CultureInfo.InvariantCulture, out var seed) ? seed : DefaultSeed;

    public async Task InitializeAsync() => _server = await HostileServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>Every case, in a seed-determined order that mixes the categories.</summary>
    public static List<HostileCase> GenerateCases(int seed)
    {
        var random = new Random(seed);
        var cases = new List<HostileCase>();
        MessageFramingCases.Generate(random, cases);
        CompressionCases.Generate(random, cases);
        ProtobufCases.Generate(random, cases);
        RequestHeaderCases.Generate(random, cases);
        StreamLifecycleCases.Generate(random, cases);
        ProtocolViolationCases.Generate(random, cases);
        ConnectionCases.Generate(random, cases);
        var shuffled = cases.ToArray();
        random.Shuffle(shuffled);
        return [.. shuffled];
    }

    [Fact]
    public void Generation_is_deterministic_and_covers_every_category()
    {
        var first = GenerateCases(Seed);
        var second = GenerateCases(Seed);
        Assert.Equal(first.Select(c => (c.Name, c.Expected)), second.Select(c => (c.Name, c.Expected)));
        Assert.True(first.Count >= MinimumCaseCount, $"{first.Count} cases");
        Assert.Equal(System.Enum.GetValues<HostileCategory>().Order(), first.Select(c => c.Category).Distinct().Order());
    }

    [Fact]
    public async Task Malformed_requests_get_exact_answers_while_a_healthy_call_carries_on()
    {
        var cases = GenerateCases(Seed);
        using var channel = _server.CreateChannel();
        using var stopHealthy = new CancellationTokenSource();
        var healthy = RunHealthyCallAsync(channel, stopHealthy.Token);

        var queue = new ConcurrentQueue<HostileCase>(cases);
        var failures = new ConcurrentQueue<string>();
        var passed = new ConcurrentDictionary<HostileCategory, int>();
        using var http1 = new HttpClient();
        await Task.WhenAll(Enumerable.Range(0, WorkerCount).Select(_ => Task.Run(() => RunWorkerAsync(queue, new HostileContext(_server, http1), passed, failures))));

        await stopHealthy.CancelAsync();
        var roundTrips = await healthy;

        var byCategory = cases.GroupBy(c => c.Category).OrderBy(g => g.Key);
        foreach (var group in byCategory)
        {
            output.WriteLine($"{group.Key,-28} {passed.GetValueOrDefault(group.Key),5} / {group.Count(),5} passed");
        }

        output.WriteLine($"{"total",-28} {passed.Values.Sum(),5} / {cases.Count,5} passed (seed {Seed}); healthy duplex round trips: {roundTrips}");
        // The first failures of every category, so one run shows every kind of difference.
        var shown = failures.GroupBy(f => f[..f.IndexOf(' ', StringComparison.Ordinal)]).SelectMany(g => g.Take(3));
        Assert.True(failures.IsEmpty, $"{failures.Count} of {cases.Count} hostile cases failed (seed {Seed}):\n" + string.Join("\n", shown));
        Assert.True(cases.Count >= MinimumCaseCount);
        Assert.True(roundTrips > 0, "the healthy call made no round trip while the suite ran");

        // Every handler that was sleeping when its client reset the stream saw its cancellation token fire.
        var echo = _server.Echo;
        var sleepsStarted = echo.SleepStartedCount;
        Assert.True(await WaitUntilAsync(() => echo.CanceledCount == sleepsStarted), $"{echo.CanceledCount} of {sleepsStarted} sleeping calls saw cancellation");

        // The process still serves a new client.
        using var after = _server.CreateChannel();
        var reply = await new Echo.EchoClient(after).UnaryAsync(new StringValue { Value = "still here" });
        Assert.Equal("still here", reply.Value);
    }

    private static async Task RunWorkerAsync(
        ConcurrentQueue<HostileCase> queue, HostileContext context, ConcurrentDictionary<HostileCategory, int> passed, ConcurrentQueue<string> failures)
    {
        RawHttp2Connection? shared = null;
        try
        {
            while (queue.TryDequeue(out var hostile))
            {
                if (!hostile.OwnConnection && (shared is null || shared.Closed.IsCompleted))
                {
                    if (shared is not null)
                    {
                        await shared.DisposeAsync();
                    }

                    using var timeout = new CancellationTokenSource(HostileContext.ExchangeTimeout);
                    shared = await RawHttp2Connection.ConnectAsync(context.Server.Address, timeout.Token);
                }

                context.Connection = hostile.OwnConnection ? null : shared;
                HostileOutcome actual;
                try
                {
                    actual = await hostile.RunAsync(context).WaitAsync(2 * HostileContext.ExchangeTimeout);
                }
                catch (Exception ex)
                {
                    actual = HostileOutcome.Failed($"{ex.GetType().Name}: {ex.Message}");
                }

                if (actual == hostile.Expected)
                {
                    passed.AddOrUpdate(hostile.Category, 1, (_, n) => n + 1);
                }
                else
                {
                    failures.Enqueue($"{hostile.Name}: expected {hostile.Expected}, got {actual}");
                }

                if (!hostile.OwnConnection && shared!.Closed.IsCompleted)
                {
                    failures.Enqueue($"{hostile.Name}: the shared connection closed (GOAWAY {shared.GoAway})");
                }
            }
        }
        finally
        {
            if (shared is not null)
            {
                await shared.DisposeAsync();
            }
        }
    }

    /// <summary>Ping-pongs on one duplex call until told to stop; returns the round trips made.</summary>
    private static async Task<int> RunHealthyCallAsync(GrpcChannel channel, CancellationToken stop)
    {
        using var call = new Echo.EchoClient(channel).Duplex();
        var roundTrips = 0;
        while (!stop.IsCancellationRequested)
        {
            var text = $"healthy-{roundTrips}";
            await call.RequestStream.WriteAsync(new StringValue { Value = text });
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None), $"the healthy call ended after {roundTrips} round trips");
            Assert.Equal(text, call.ResponseStream.Current.Value);
            roundTrips++;
            await Task.Delay(2, CancellationToken.None);
        }

        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        return roundTrips;
    }

    private static async Task<bool> WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + HostileContext.ExchangeTimeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(10);
        }

        return true;
    }
}
