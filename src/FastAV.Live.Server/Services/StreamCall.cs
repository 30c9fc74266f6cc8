using System.Threading.Channels;
using FastAV.Live.Contracts.V1;
using FastAV.Live.Grpc;
using FastAV.Live.Server.Streams;

namespace FastAV.Live.Server.Services;

/// <summary>
/// The I/O of one Stream call: reads requests into a <see cref="StreamProtocol"/>, and funnels every
/// response (the protocol's and the stats timer's) through one bounded queue to the single writer, so
/// the reader never waits for a slow client and two writes never overlap.
/// </summary>
internal sealed class StreamCall(StreamProtocol protocol, LiveAnalyticsOptions options, TimeProvider time)
{
    public async Task RunAsync(IAsyncStreamReader<StreamRequest> requests, IServerStreamWriter<StreamResponse> responses, CancellationToken cancellationToken)
    {
        var queue = Channel.CreateBounded<StreamResponse>(new BoundedChannelOptions(options.ResponseQueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        using var writerStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var tickerStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var writer = WriteAllAsync(queue.Reader, responses, writerStop.Token);
        protocol.Push = queue.Writer.TryWrite;
        Task? ticker = null;
        var ended = false;
        try
        {
            var output = new List<StreamResponse>();
            var status = Status.DefaultSuccess;
            while (status.IsOk() && await requests.MoveNext(cancellationToken).ConfigureAwait(false))
            {
                output.Clear();
                status = protocol.Receive(requests.Current, output);
                foreach (var response in output)
                {
                    Offer(queue.Writer, response);
                }

                if (ticker is null && protocol.Stream is not null && options.StatsInterval > TimeSpan.Zero)
                {
                    ticker = TickAsync(queue.Writer, tickerStop.Token);
                }
            }

            if (status.IsOk() && protocol.Stream is null)
            {
                status = LiveStatuses.Invalid("StreamRequest", "the request stream ended before StreamOpen");
            }

            if (status.IsOk())
            {
                await protocol.DrainAsync(options.EndOfStreamDrainTimeout, cancellationToken).ConfigureAwait(false);
            }

            await StopAsync(tickerStop, ticker).ConfigureAwait(false);
            if (protocol.Stats(final: true) is { } final)
            {
                await queue.Writer.WriteAsync(final, cancellationToken).ConfigureAwait(false);
            }

            queue.Writer.TryComplete();
            await writer.ConfigureAwait(false);
            ended = true;
            if (!status.IsOk())
            {
                throw new RpcException(status);
            }
        }
        finally
        {
            protocol.Close();
            if (!ended)
            {
                await StopAsync(tickerStop, ticker).ConfigureAwait(false);
                queue.Writer.TryComplete();
                await StopAsync(writerStop, writer).ConfigureAwait(false);
            }
        }
    }

    private void Offer(ChannelWriter<StreamResponse> queue, StreamResponse response)
    {
        // Only periodic stats and warnings can meet a full queue (StreamAccepted is the first item):
        // a reader that falls this far behind loses them; the counters still hold everything.
        if (!queue.TryWrite(response) && response.KindCase == StreamResponse.KindOneofCase.Warning)
        {
            protocol.Stream?.Counters.AddSuppressedWarning();
        }
    }

    private async Task TickAsync(ChannelWriter<StreamResponse> queue, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(options.StatsInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                if (protocol.Stats(final: false) is { } stats)
                {
                    queue.TryWrite(stats);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The call ended.
        }
    }

    private static async Task WriteAllAsync(ChannelReader<StreamResponse> queue, IServerStreamWriter<StreamResponse> responses, CancellationToken cancellationToken)
    {
        await foreach (var response in queue.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            await responses.WriteAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task StopAsync(CancellationTokenSource stop, Task? task)
    {
        if (task is null)
        {
            return;
        }

        await stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
        {
            // The call is already ending for another reason; that reason is what the client sees.
        }
    }
}
