using FastAV.Live.Server.Services;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace FastAV.Live.Server.Tests.Hostile;

/// <summary>
/// fastav.test.Echo (test echo.proto) on the real server, bound like LiveAnalytics (<see cref="CheckedServiceBinder"/>),
/// so its requests are parsed as strictly. Request text drives behaviour: "fail:N:msg" ends with status N,
/// "sleep:MS" waits (cooperatively), "bytes:N" answers N bytes of 'x'.
/// </summary>
[BindServiceMethod(typeof(EchoService), nameof(BindService))]
public sealed class EchoService : Echo.EchoBase
{
    public const string ServiceName = "fastav.test.Echo";

    private int _sleepStartedCount;
    private int _canceledCount;

    /// <summary>How many calls began a cooperative sleep.</summary>
    public int SleepStartedCount => Volatile.Read(ref _sleepStartedCount);

    /// <summary>How many sleeping calls observed their cancellation token firing.</summary>
    public int CanceledCount => Volatile.Read(ref _canceledCount);

    public static Google.Protobuf.Reflection.ServiceDescriptor Descriptor => Echo.Descriptor;

    public static void BindService(ServiceBinderBase serviceBinder, Echo.EchoBase serviceImpl) =>
        Echo.BindService(new CheckedServiceBinder(serviceBinder), serviceImpl);

    public override Task<StringValue> Unary(StringValue request, ServerCallContext context) => HandleAsync(request.Value, context);

    public override async Task ServerStream(StringValue request, IServerStreamWriter<StringValue> responseStream, ServerCallContext context)
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

            await responseStream.WriteAsync(new StringValue { Value = i.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }
    }

    public override async Task<StringValue> ClientStream(IAsyncStreamReader<StringValue> requestStream, ServerCallContext context)
    {
        var all = new List<string>();
        while (await requestStream.MoveNext(context.CancellationToken))
        {
            if (requestStream.Current.Value.StartsWith("fail:", StringComparison.Ordinal))
            {
                await HandleAsync(requestStream.Current.Value, context);
            }

            all.Add(requestStream.Current.Value);
        }

        return new StringValue { Value = string.Join(",", all) };
    }

    public override async Task Duplex(IAsyncStreamReader<StringValue> requestStream, IServerStreamWriter<StringValue> responseStream, ServerCallContext context)
    {
        while (await requestStream.MoveNext(context.CancellationToken))
        {
            await responseStream.WriteAsync(await HandleAsync(requestStream.Current.Value, context));
        }
    }

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
            throw;
        }
    }
}
