using Google.Protobuf;
using Grpc.Core;
using Grpc.Testing;

namespace FastAV.Live.InteropHost;

/// <summary>
/// grpc.testing.TestService (the generated base) with the server features of the interop test descriptions:
/// payloads of the asked size, status echo, metadata echo, CompressedResponse / CompressedRequest, and
/// ResponseParameters.interval_us sleeps. UnimplementedCall is deliberately not overridden (UNIMPLEMENTED).
/// </summary>
public sealed class InteropTestService : TestService.TestServiceBase
{
    public const string EchoInitialKey = "x-grpc-test-echo-initial";
    public const string EchoTrailingKey = "x-grpc-test-echo-trailing-bin";

    /// <summary>Response headers carrying this entry switch the call's response encoding (Grpc.AspNetCore takes it out).</summary>
    private const string ResponseEncodingKey = "grpc-internal-encoding-request";

    private const string Gzip = "gzip";

    public override async Task<Empty> EmptyCall(Empty request, ServerCallContext context)
    {
        await StartResponseAsync(context, compressResponses: false).ConfigureAwait(false);
        return new Empty();
    }

    public override async Task<SimpleResponse> UnaryCall(SimpleRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        // The response encoding is fixed when headers go out, so it is chosen with the echoed headers.
        await StartResponseAsync(context, request.ResponseCompressed?.Value == true).ConfigureAwait(false);
        CheckExpectCompressed(request.ExpectCompressed, context);
        ThrowIfStatusRequested(request.ResponseStatus);
        if (request.ResponseType != PayloadType.Compressable)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"response_type {request.ResponseType} is not supported."));
        }

        return new SimpleResponse { Payload = Zeros(request.ResponseSize) };
    }

    public override async Task StreamingOutputCall(StreamingOutputCallRequest request, IServerStreamWriter<StreamingOutputCallResponse> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        await StartResponseAsync(context, request.ResponseParameters.Any(p => p.Compressed?.Value == true)).ConfigureAwait(false);
        ThrowIfStatusRequested(request.ResponseStatus);
        await WriteResponsesAsync(request, responseStream, context).ConfigureAwait(false);
    }

    public override async Task<StreamingInputCallResponse> StreamingInputCall(IAsyncStreamReader<StreamingInputCallRequest> requestStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(context);
        await StartResponseAsync(context, compressResponses: false).ConfigureAwait(false);
        var total = 0;
        while (await requestStream.MoveNext(context.CancellationToken).ConfigureAwait(false))
        {
            CheckExpectCompressed(requestStream.Current.ExpectCompressed, context);
            total += requestStream.Current.Payload?.Body.Length ?? 0;
        }

        return new StreamingInputCallResponse { AggregatedPayloadSize = total };
    }

    public override async Task FullDuplexCall(
        IAsyncStreamReader<StreamingOutputCallRequest> requestStream, IServerStreamWriter<StreamingOutputCallResponse> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(context);
        await StartResponseAsync(context, compressResponses: false).ConfigureAwait(false);
        while (await requestStream.MoveNext(context.CancellationToken).ConfigureAwait(false))
        {
            var request = requestStream.Current;
            ThrowIfStatusRequested(request.ResponseStatus);
            await WriteResponsesAsync(request, responseStream, context).ConfigureAwait(false);
        }
    }

    public override async Task HalfDuplexCall(
        IAsyncStreamReader<StreamingOutputCallRequest> requestStream, IServerStreamWriter<StreamingOutputCallResponse> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(context);
        await StartResponseAsync(context, compressResponses: false).ConfigureAwait(false);
        var all = new List<StreamingOutputCallRequest>();
        while (await requestStream.MoveNext(context.CancellationToken).ConfigureAwait(false))
        {
            ThrowIfStatusRequested(requestStream.Current.ResponseStatus);
            all.Add(requestStream.Current);
        }

        foreach (var request in all)
        {
            await WriteResponsesAsync(request, responseStream, context).ConfigureAwait(false);
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

            responses.WriteOptions = parameters.Compressed?.Value == true ? null : new WriteOptions(WriteFlags.NoCompress);
            await responses.WriteAsync(new StreamingOutputCallResponse { Payload = Zeros(parameters.Size) }, context.CancellationToken)
                .ConfigureAwait(false);
        }
    }

    /// <summary>Echoes the initial metadata (with gzip for the responses when asked) and queues the trailing one.</summary>
    private static async Task StartResponseAsync(ServerCallContext context, bool compressResponses)
    {
        var headers = new Metadata();
        if (context.RequestHeaders.Get(EchoInitialKey) is { } initial)
        {
            headers.Add(initial);
        }

        if (compressResponses)
        {
            headers.Add(ResponseEncodingKey, Gzip);
        }

        if (headers.Count > 0)
        {
            await context.WriteResponseHeadersAsync(headers).ConfigureAwait(false);
        }

        if (context.RequestHeaders.Get(EchoTrailingKey) is { } trailing)
        {
            context.ResponseTrailers.Add(trailing);
        }
    }

    /// <summary>CompressedRequest: a request that says it is compressed must have arrived with the compressed flag set.</summary>
    private static void CheckExpectCompressed(BoolValue? expectCompressed, ServerCallContext context)
    {
        var compressed = CompressedRequests.TakeLastRequestCompressed(context.GetHttpContext());
        if (expectCompressed?.Value == true && !compressed)
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
