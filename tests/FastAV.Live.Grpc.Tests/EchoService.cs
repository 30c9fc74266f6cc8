using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace FastAV.Live.Grpc.Tests;

/// <summary>
/// A small service of every method kind over StringValue, for protocol tests. Request text drives behaviour:
/// "fail:N:msg" ends with status N, "sleep:MS" waits (cooperatively), "bytes:N" answers N bytes of 'x'.
/// </summary>
public sealed class EchoService : IGrpcService
{
    public const string ServiceName = "fastav.test.Echo";

    public static readonly Method<StringValue, StringValue> Unary = Create(MethodType.Unary, "Unary");
    public static readonly Method<StringValue, StringValue> ServerStream = Create(MethodType.ServerStreaming, "ServerStream");
    public static readonly Method<StringValue, StringValue> ClientStream = new(
        MethodType.ClientStreaming, ServiceName, "ClientStream", BlockingMarshaller, Marshallers.Protobuf(StringValue.Parser));

    public static readonly Method<StringValue, StringValue> Duplex = new(
        MethodType.DuplexStreaming, ServiceName, "Duplex", Marshallers.Protobuf(StringValue.Parser), BlockingMarshaller);

    /// <summary>Set while a message "block" is being serialized; serialization goes on once <see cref="BlockGate"/> is released.</summary>
    public static readonly SemaphoreSlim BlockEntered = new(0);

    public static readonly SemaphoreSlim BlockGate = new(0);

    /// <summary>Serializes like protobuf, but a message "block" waits inside serialization: a write that is deterministically in progress.</summary>
    private static Marshaller<StringValue> BlockingMarshaller => new(
        m =>
        {
            if (m.Value == "block")
            {
                BlockEntered.Release();
                if (!BlockGate.Wait(TimeSpan.FromSeconds(30)))
                {
                    throw new TimeoutException("BlockGate was never released.");
                }
            }

            return m.ToByteArray();
        },
        bytes => StringValue.Parser.ParseFrom(bytes));

    private int _sleepStartedCount;
    private int _canceledCount;

    /// <summary>How many calls began a cooperative sleep.</summary>
    public int SleepStartedCount => Volatile.Read(ref _sleepStartedCount);

    /// <summary>How many sleeping calls observed their cancellation token firing.</summary>
    public int CanceledCount => Volatile.Read(ref _canceledCount);

    /// <summary>Set when a call observed its cancellation token firing.</summary>
    public TaskCompletionSource<string> Canceled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ServerServiceDefinition BindService() =>
        ServerServiceDefinition.CreateBuilder()
            .AddMethod(Unary, (request, context) => HandleAsync(request.Value, context))
            .AddMethod(ServerStream, async (request, responses, context) =>
            {
                var parts = request.Value.Split(':');
                var count = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
                var delayMs = parts.Length > 1 ? int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) : 0;
                for (var i = 0; i < count; i++)
                {
                    if (delayMs > 0)
                    {
                        await DelayAsync(delayMs, context);
                    }

                    await responses.WriteAsync(new StringValue { Value = i.ToString(System.Globalization.CultureInfo.InvariantCulture) });
                }
            })
            .AddMethod(ClientStream, async (requests, context) =>
            {
                var all = new List<string>();
                while (await requests.MoveNext(context.CancellationToken))
                {
                    if (requests.Current.Value.StartsWith("fail:", StringComparison.Ordinal))
                    {
                        await HandleAsync(requests.Current.Value, context);
                    }

                    all.Add(requests.Current.Value);
                }

                return new StringValue { Value = string.Join(",", all) };
            })
            .AddMethod(Duplex, async (requests, responses, context) =>
            {
                while (await requests.MoveNext(context.CancellationToken))
                {
                    if (requests.Current.Value == "two-writers")
                    {
                        // Two writes at once: the second must be refused, the first must complete.
                        var first = Task.Run(() => responses.WriteAsync(new StringValue { Value = "block" }));
                        await BlockEntered.WaitAsync(TimeSpan.FromSeconds(30));
                        var second = Record.Exception(() => responses.WriteAsync(new StringValue { Value = "b" }).GetAwaiter().GetResult());
                        BlockGate.Release();
                        await first;
                        await responses.WriteAsync(new StringValue { Value = second?.GetType().Name + ": " + second?.Message });
                        continue;
                    }

                    var reply = await HandleAsync(requests.Current.Value, context);
                    await responses.WriteAsync(reply);
                }
            })
            .Build();

    private async Task<StringValue> HandleAsync(string text, ServerCallContext context)
    {
        if (text.StartsWith("fail:", StringComparison.Ordinal))
        {
            var parts = text.Split(':', 3);
            context.ResponseTrailers.Add("x-detail-bin", [1, 2, 3]);
            throw new RpcException(new Status((StatusCode)int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), parts[2]));
        }

        if (text.StartsWith("sleep:", StringComparison.Ordinal))
        {
            await DelayAsync(int.Parse(text[6..], System.Globalization.CultureInfo.InvariantCulture), context);
        }

        if (text.StartsWith("bytes:", StringComparison.Ordinal))
        {
            return new StringValue { Value = new string('x', int.Parse(text[6..], System.Globalization.CultureInfo.InvariantCulture)) };
        }

        if (text == "headers")
        {
            var echo = context.RequestHeaders.GetValue("x-echo") ?? "";
            await context.WriteResponseHeadersAsync(new Metadata { { "x-echo", echo } });
            context.ResponseTrailers.Add("x-trailer-bin", context.RequestHeaders.GetValueBytes("x-bin") ?? []);
        }

        return new StringValue { Value = text };
    }

    private async Task DelayAsync(int ms, ServerCallContext context)
    {
        Interlocked.Increment(ref _sleepStartedCount);
        try
        {
            await Task.Delay(ms, context.CancellationToken);
        }
        catch (OperationCanceledException)
        {
            Interlocked.Increment(ref _canceledCount);
            Canceled.TrySetResult(context.Method);
            throw;
        }
    }

    private static Method<StringValue, StringValue> Create(MethodType type, string name) =>
        new(type, ServiceName, name, Marshallers.Protobuf(StringValue.Parser), Marshallers.Protobuf(StringValue.Parser));
}
