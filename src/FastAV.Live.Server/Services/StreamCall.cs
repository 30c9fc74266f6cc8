using System.Runtime.CompilerServices;
using System.Threading.Channels;
using FastAV.Live.Contracts.V1;
using FastAV.Live.Server.Hosting;
using FastAV.Live.Server.Hosting.Interceptors;
using FastAV.Live.Server.Observability;
using FastAV.Live.Server.Streams;
using Grpc.Core;

namespace FastAV.Live.Server.Services;

/// <summary>
/// The I/O of one Stream call: reads requests into a <see cref="StreamProtocol"/>, and funnels every
/// response (the protocol's and the stats timer's) through one bounded queue to the single writer, so
/// the reader never waits for a slow client and two writes never overlap. When the server drains, the call stops
/// reading, sends its final StreamStats (the contract promises one) and ends with UNAVAILABLE "retry on another server".
/// When the engine fails the stream, the call stops reading, sends its final StreamStats and ends with the failure's
/// status. When the call ends any other way without the client's half-close (connection lost, deadline, cancel), the
/// stream is detached for a resume instead of closed, and the answers this call had queued but not written go back to it.
/// </summary>
internal sealed class StreamCall(StreamProtocol protocol, LiveAnalyticsOptions options, TimeProvider time, ServerDrain drain, LiveTelemetry? telemetry = null)
{
    public async Task RunAsync(IAsyncStreamReader<StreamRequest> requests, IServerStreamWriter<StreamResponse> responses, ServerCallContext context)
    {
        // The call's token fires on drain too (DrainInterceptor); the writer only stops when the client is gone,
        // so the final StreamStats still go out on drain.
        var cancellationToken = context.CancellationToken;
        var clientGone = context.GetHttpContext().RequestAborted;
        var queue = Channel.CreateBounded<StreamResponse>(new BoundedChannelOptions(options.ResponseQueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        using var writerStop = CancellationTokenSource.CreateLinkedTokenSource(clientGone);
        using var tickerStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, protocol.Failing);
        var unwritten = new StrongBox<StreamResponse?>();
        var writer = WriteAllAsync(queue.Reader, responses, unwritten, telemetry, writerStop.Token);
        protocol.Push = queue.Writer.TryWrite;
        Task? ticker = null;
        var ended = false;
        var halfClosed = false;
        var lost = false; // the client went away (cancel, deadline, connection lost), as opposed to a status ending the call
        bool NoteLoss(Exception e)
        {
            lost = e is OperationCanceledException or IOException && protocol.Failure is null && !drain.IsEndingCalls;
            return false;
        }

        try
        {
            var output = new List<StreamResponse>();
            var status = Status.DefaultSuccess;
            var first = true;
            while (status.IsOk() && await NextAsync(requests, clientGone, reading.Token, s => status = s).ConfigureAwait(false))
            {
                output.Clear();
                status = first ? StreamId(requests.Current, context) : Status.DefaultSuccess;
                first = false;
                if (!status.IsOk())
                {
                    break;
                }

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

            halfClosed = status.IsOk();
            if (!status.IsOk())
            {
                protocol.Ended(status);
            }

            if (status.IsOk() && protocol.Stream is null)
            {
                status = LiveStatuses.Invalid("StreamRequest", "the request stream ended before StreamOpen");
            }

            if (status.IsOk())
            {
                await protocol.DrainAsync(options.EndOfStreamDrainTimeout, cancellationToken).ConfigureAwait(false);
            }

            if (status.IsOk() && protocol.Failure is { } failedWhileDraining)
            {
                status = failedWhileDraining;
            }

            await FinishAsync(queue.Writer, writer, tickerStop, ticker, clientGone).ConfigureAwait(false);
            ended = true;
            if (!status.IsOk())
            {
                throw new RpcException(status);
            }
        }
        catch (Exception e) when (NoteLoss(e))
        {
            throw; // never taken: the filter only notes how the call ended
        }
        catch (OperationCanceledException) when (protocol.Failure is { } failure && !ended && !clientGone.IsCancellationRequested)
        {
            await FinishAsync(queue.Writer, writer, tickerStop, ticker, clientGone).ConfigureAwait(false);
            ended = true;
            throw new RpcException(failure);
        }
        catch (OperationCanceledException) when (drain.IsEndingCalls && !ended && !clientGone.IsCancellationRequested)
        {
            await FinishAsync(queue.Writer, writer, tickerStop, ticker, clientGone).ConfigureAwait(false);
            ended = true;
            throw new RpcException(ServerDrain.RetryElsewhere);
        }
        finally
        {
            if (lost && !ended && !halfClosed && protocol.CanDetach)
            {
                // Answers go to the stream's buffer first, then whatever this call still held is taken back.
                protocol.Unroute();
                await StopAsync(tickerStop, ticker).ConfigureAwait(false);
                queue.Writer.TryComplete();
                await StopAsync(writerStop, writer).ConfigureAwait(false);
                protocol.Detach(Unwritten(unwritten.Value, queue.Reader));
            }
            else
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
    }

    /// <summary>The answers among the response the writer failed on and those still queued, in order.</summary>
    private static List<Answer> Unwritten(StreamResponse? failed, ChannelReader<StreamResponse> queue)
    {
        var answers = new List<Answer>();
        if (failed?.Answer is { } first) answers.Add(first);
        while (queue.TryRead(out var response))
        {
            if (response.Answer is { } answer) answers.Add(answer);
        }

        return answers;
    }

    /// <summary>
    /// The next request; false at the client's half-close, or when reading failed on the server's side (a message over the
    /// receive limit, bytes that are no request): that failure becomes the call's status through <paramref name="failed"/>,
    /// so the final StreamStats still precede it. A client that went away, and cancellation, still throw.
    /// </summary>
    private static async Task<bool> NextAsync(
        IAsyncStreamReader<StreamRequest> requests, CancellationToken clientGone, CancellationToken cancellationToken, Action<Status> failed)
    {
        try
        {
            return await requests.MoveNext(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && clientGone.IsCancellationRequested)
        {
            // The client went away. A read that starts after Kestrel raised RequestAborted, but before the call's own
            // token (linked to it) was cancelled, fails with InvalidOperationException ("Can't read messages after the
            // request is complete"); that too is a lost client, whose stream detaches, not a failed call.
            throw new OperationCanceledException("the client went away", ex, clientGone);
        }
        catch (RpcException ex) when (!clientGone.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // A client that resets its call mid-message fails the read before Kestrel raises RequestAborted (it raises it
            // on the thread pool): that is a lost client (its stream detaches), not a request the server could not read.
            if (Aborted(ex) || await GoneSoonAsync(clientGone).ConfigureAwait(false))
            {
                throw new OperationCanceledException("the client reset the call", ex, clientGone);
            }

            failed(ex.Status);
            return false;
        }
    }

    private static bool Aborted(RpcException ex)
    {
        for (Exception? e = ex.Status.DebugException ?? ex.InnerException; e is not null; e = e.InnerException)
        {
            if (e is IOException or OperationCanceledException) return true;
        }

        return false;
    }

    // How long a read failure waits to learn whether the client went away (its RequestAborted is raised asynchronously).
    private static readonly TimeSpan AbortNotice = TimeSpan.FromMilliseconds(100);

    private static async Task<bool> GoneSoonAsync(CancellationToken clientGone)
    {
        try
        {
            await Task.Delay(AbortNotice, clientGone).ConfigureAwait(false);
            return false;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }

    /// <summary>The final StreamStats after everything queued, then the writer's end.</summary>
    private async Task FinishAsync(ChannelWriter<StreamResponse> queue, Task writer, CancellationTokenSource tickerStop, Task? ticker, CancellationToken clientGone)
    {
        await StopAsync(tickerStop, ticker).ConfigureAwait(false);
        if (protocol.Stats(final: true) is { } final)
        {
            await queue.WriteAsync(final, clientGone).ConfigureAwait(false);
        }

        queue.TryComplete();
        await writer.ConfigureAwait(false);
    }

    /// <summary>StreamOpen's id and the x-fastav-stream-id metadata must agree; either may carry it alone.</summary>
    private static Status StreamId(StreamRequest first, ServerCallContext context)
    {
        if (first.KindCase != StreamRequest.KindOneofCase.Open)
        {
            return Status.DefaultSuccess; // the protocol answers a missing StreamOpen
        }

        var status = StreamIdMetadata.Resolve(StreamIdMetadata.Of(context), first.Open.StreamId, "StreamOpen.stream_id", out var streamId);
        first.Open.StreamId = streamId;
        CallLogScope.Of(context)?.StreamId = streamId;
        return status;
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

    // A response whose write fails stays in unwritten: a detach takes it back (its bytes never reached the client).
    private static async Task WriteAllAsync(ChannelReader<StreamResponse> queue, IServerStreamWriter<StreamResponse> responses, StrongBox<StreamResponse?> unwritten, LiveTelemetry? telemetry, CancellationToken cancellationToken)
    {
        await foreach (var response in queue.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            unwritten.Value = response;
            await responses.WriteAsync(response, cancellationToken).ConfigureAwait(false);
            unwritten.Value = null;
            if (response.KindCase == StreamResponse.KindOneofCase.Warning)
            {
                telemetry?.WarningSent(response.Warning.Code); // counted once written: warnings sent to the client
            }
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
