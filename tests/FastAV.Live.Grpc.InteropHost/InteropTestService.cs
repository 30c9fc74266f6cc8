using Google.Protobuf;
using Grpc.Testing;

namespace FastAV.Live.Grpc.InteropHost;

/// <summary>
/// grpc.testing.TestService with the server features of the interop test descriptions: payloads of
/// the asked size, status echo, metadata echo, CompressedResponse / CompressedRequest, and
/// ResponseParameters.interval_us sleeps. UnimplementedCall is deliberately not bound.
/// </summary>
public sealed class InteropTestService : IGrpcService
{
    public const string EchoInitialKey = "x-grpc-test-echo-initial";
    public const string EchoTrailingKey = "x-grpc-test-echo-trailing-bin";

    private const string Gzip = "gzip";

    public ServerServiceDefinition BindService() =>
        ServerServiceDefinition.CreateBuilder()
            .AddMethod(InteropMethods.EmptyCall, EmptyCall)
            .AddMethod(InteropMethods.UnaryCall, UnaryCall)
            .AddMethod(InteropMethods.StreamingOutputCall, StreamingOutputCall)
            .AddMethod(InteropMethods.StreamingInputCall, StreamingInputCall)
            .AddMethod(InteropMethods.FullDuplexCall, FullDuplexCall)
            .AddMethod(InteropMethods.HalfDuplexCall, HalfDuplexCall)
            .Build();

    private static async Task<Empty> EmptyCall(Empty request, ServerCallContext context)
    {
        await EchoMetadataAsync(context).ConfigureAwait(false);
        return new Empty();
    }

    private static async Task<SimpleResponse> UnaryCall(SimpleRequest request, ServerCallContext context)
    {
        // The response encoding is fixed when headers go out, so choose it before echoing headers.
        if (request.ResponseCompressed is { } compressed)
        {
            context.ResponseCompression = compressed.Value ? Gzip : "identity";
        }

        await EchoMetadataAsync(context).ConfigureAwait(false);
        CheckExpectCompressed(request.ExpectCompressed, context);
        ThrowIfStatusRequested(request.ResponseStatus);
        if (request.ResponseType != PayloadType.Compressable)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"response_type {request.ResponseType} is not supported."));
        }

        return new SimpleResponse { Payload = Zeros(request.ResponseSize) };
    }

    private static async Task StreamingOutputCall(
        StreamingOutputCallRequest request, IServerStreamWriter<StreamingOutputCallResponse> responses, ServerCallContext context)
    {
        ChooseStreamCompression(request, context);
        await EchoMetadataAsync(context).ConfigureAwait(false);
        ThrowIfStatusRequested(request.ResponseStatus);
        await WriteResponsesAsync(request, responses, context).ConfigureAwait(false);
    }

    private static async Task<StreamingInputCallResponse> StreamingInputCall(
        IAsyncStreamReader<StreamingInputCallRequest> requests, ServerCallContext context)
    {
        await EchoMetadataAsync(context).ConfigureAwait(false);
        var total = 0;
        while (await requests.MoveNext(context.CancellationToken).ConfigureAwait(false))
        {
            CheckExpectCompressed(requests.Current.ExpectCompressed, context);
            total += requests.Current.Payload?.Body.Length ?? 0;
        }

        return new StreamingInputCallResponse { AggregatedPayloadSize = total };
    }

    private static async Task FullDuplexCall(
        IAsyncStreamReader<StreamingOutputCallRequest> requests, IServerStreamWriter<StreamingOutputCallResponse> responses, ServerCallContext context)
    {
        await EchoMetadataAsync(context).ConfigureAwait(false);
        while (await requests.MoveNext(context.CancellationToken).ConfigureAwait(false))
        {
            var request = requests.Current;
            ThrowIfStatusRequested(request.ResponseStatus);
            await WriteResponsesAsync(request, responses, context).ConfigureAwait(false);
        }
    }

    private static async Task HalfDuplexCall(
        IAsyncStreamReader<StreamingOutputCallRequest> requests, IServerStreamWriter<StreamingOutputCallResponse> responses, ServerCallContext context)
    {
        await EchoMetadataAsync(context).ConfigureAwait(false);
        var all = new List<StreamingOutputCallRequest>();
        while (await requests.MoveNext(context.CancellationToken).ConfigureAwait(false))
        {
            ThrowIfStatusRequested(requests.Current.ResponseStatus);
            all.Add(requests.Current);
        }

        foreach (var request in all)
        {
            await WriteResponsesAsync(request, responses, context).ConfigureAwait(false);
        }
    }

    /// <summary>One response per ResponseParameters, each after sleeping its interval_us; per-message compression.</summary>
    private static async Task WriteResponsesAsync(
        StreamingOutputCallRequest request, IServerStreamWriter<StreamingOutputCallResponse> responses, ServerCallContext context)
    {
        foreach (var parameters in request.ResponseParameters)
        {
            if (parameters.IntervalUs > 0)
            {
                await Task.Delay(TimeSpan.FromMicroseconds(parameters.IntervalUs), context.CancellationToken).ConfigureAwait(false);
            }

            responses.WriteOptions = parameters.Compressed?.Value == true ? WriteOptions.Default : new WriteOptions(WriteFlags.NoCompress);
            await responses.WriteAsync(new StreamingOutputCallResponse { Payload = Zeros(parameters.Size) }, context.CancellationToken)
                .ConfigureAwait(false);
        }
    }

    /// <summary>gzip for the call when any response asks for compression; the others go out with NoCompress.</summary>
    private static void ChooseStreamCompression(StreamingOutputCallRequest request, ServerCallContext context)
    {
        if (request.ResponseParameters.Any(p => p.Compressed?.Value == true))
        {
            context.ResponseCompression = Gzip;
        }
    }

    private static async Task EchoMetadataAsync(ServerCallContext context)
    {
        if (context.RequestHeaders.Get(EchoInitialKey) is { } initial)
        {
            await context.WriteResponseHeadersAsync(new Metadata { initial }).ConfigureAwait(false);
        }

        if (context.RequestHeaders.Get(EchoTrailingKey) is { } trailing)
        {
            context.ResponseTrailers.Add(trailing);
        }
    }

    /// <summary>CompressedRequest: a request that says it is compressed must have arrived with the compressed flag set.</summary>
    private static void CheckExpectCompressed(BoolValue? expectCompressed, ServerCallContext context)
    {
        if (expectCompressed?.Value != true)
        {
            return;
        }

        if (!context.LastRequestCompressed)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "Expected a compressed request, but it was not compressed."));
        }
    }

    private static void ThrowIfStatusRequested(EchoStatus? status)
    {
        if (status is { Code: not 0 })
        {
            throw new RpcException(new Status((StatusCode)status.Code, status.Message));
        }
    }

    private static Payload Zeros(int size)
    {
        if (size < 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"Payload size {size} is negative."));
        }

        return new Payload { Type = PayloadType.Compressable, Body = UnsafeByteOperations.UnsafeWrap(new byte[size]) };
    }
}
