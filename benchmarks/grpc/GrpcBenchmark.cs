using System.Diagnostics;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Testing;

namespace FastAV.Live.Benchmarks.Grpc;

/// <summary>The two workloads, run by the same client (Grpc.Net.Client, the generated TestService client) against any TestService server.</summary>
internal static class GrpcBenchmark
{

    /// <summary>Sequential unary ping-pong (1-byte payloads), after a warm-up.</summary>
    public static async Task<LatencyResult> UnaryLatencyAsync(string name, int port, int warmup, int calls)
    {
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        var client = new TestService.TestServiceClient(channel);
        var request = new SimpleRequest { ResponseSize = 1, Payload = new Payload { Body = ByteString.CopyFrom(1) } };
        for (var i = 0; i < warmup; i++)
        {
            await client.UnaryCallAsync(request);
        }

        var samples = new double[calls];
        var total = Stopwatch.StartNew();
        for (var i = 0; i < calls; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await client.UnaryCallAsync(request);
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }

        total.Stop();
        Array.Sort(samples);
        return new LatencyResult(name, calls, Percentile(samples, 0.50), Percentile(samples, 0.90), Percentile(samples, 0.99), calls / total.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// One bidi call; the client keeps up to <paramref name="window"/> requests in flight, each asking for
    /// one response of <paramref name="size"/> bytes and carrying <paramref name="size"/> bytes itself.
    /// </summary>
    public static async Task<ThroughputResult> BidiThroughputAsync(string name, int port, int size, int messages, int window)
    {
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        var request = new StreamingOutputCallRequest { Payload = new Payload { Body = ByteString.CopyFrom(new byte[size]) } };
        request.ResponseParameters.Add(new ResponseParameters { Size = size });
        await RunBidiAsync(channel, request, Math.Max(10, messages / 10), window);
        var watch = Stopwatch.StartNew();
        await RunBidiAsync(channel, request, messages, window);
        watch.Stop();
        var seconds = watch.Elapsed.TotalSeconds;
        // Bytes counted once per direction: request payload plus response payload.
        return new ThroughputResult(name, size, messages, messages / seconds, 2.0 * messages * size / seconds / 1e6);
    }

    private static async Task RunBidiAsync(GrpcChannel channel, StreamingOutputCallRequest request, int messages, int window)
    {
        using var call = new TestService.TestServiceClient(channel).FullDuplexCall();
        using var credits = new SemaphoreSlim(window);
        var reader = Task.Run(async () =>
        {
            var received = 0;
            while (await call.ResponseStream.MoveNext())
            {
                received++;
                credits.Release();
            }

            return received;
        });
        for (var i = 0; i < messages; i++)
        {
            await credits.WaitAsync();
            await call.RequestStream.WriteAsync(request);
        }

        await call.RequestStream.CompleteAsync();
        var got = await reader;
        if (got != messages)
        {
            throw new InvalidOperationException($"Expected {messages} responses, got {got}.");
        }
    }

    private static double Percentile(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
}
