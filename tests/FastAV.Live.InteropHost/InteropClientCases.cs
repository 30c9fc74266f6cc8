using Google.Protobuf;
using Grpc.Testing;
using Grpc.Core;
using Grpc.Net.Client;
using static FastAV.Live.InteropHost.InteropFailure;

namespace FastAV.Live.InteropHost;

/// <summary>
/// The official interop client cases (doc/interop-test-descriptions.md) with the generated clients on a
/// Grpc.Net.Client <see cref="GrpcChannel"/>. The client hides the compressed flag of received messages, so
/// server_compressed_* assert sizes and success; the flag itself is asserted by the raw HTTP/2 tests.
/// </summary>
public sealed class InteropClientCases(GrpcChannel channel)
{
    /// <summary>Grpc.Net.Client compresses a call's requests with the encoding this metadata entry names.</summary>
    public const string RequestEncodingKey = "grpc-internal-encoding-request";

    private readonly TestService.TestServiceClient _client = new(channel);

    public const string SpecialStatusMessage = "\t\ntest with whitespace\r\nand Unicode BMP \u263a and non-BMP \U0001F608\t\n";

    public static readonly IReadOnlyList<string> Names =
    [
        "empty_unary", "large_unary", "client_streaming", "server_streaming", "ping_pong", "empty_stream",
        "custom_metadata", "status_code_and_message", "special_status_message", "unimplemented_method",
        "unimplemented_service", "timeout_on_sleeping_server", "cancel_after_begin", "cancel_after_first_response",
        "client_compressed_unary", "client_compressed_streaming", "server_compressed_unary", "server_compressed_streaming",
    ];

    private static readonly int[] RequestSizes = [27182, 8, 1828, 45904];
    private static readonly int[] ResponseSizes = [31415, 9, 2653, 58979];
    private static readonly byte[] TrailingValue = [0xab, 0xab, 0xab];
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    public Task RunAsync(string name) => name switch
    {
        "empty_unary" => EmptyUnaryAsync(),
        "large_unary" => LargeUnaryAsync(),
        "client_streaming" => ClientStreamingAsync(),
        "server_streaming" => ServerStreamingAsync(),
        "ping_pong" => PingPongAsync(),
        "empty_stream" => EmptyStreamAsync(),
        "custom_metadata" => CustomMetadataAsync(),
        "status_code_and_message" => StatusEchoAsync(2, "test status message"),
        "special_status_message" => StatusEchoAsync(2, SpecialStatusMessage),
        "unimplemented_method" => ExpectUnimplementedAsync(o => _client.UnimplementedCallAsync(new Empty(), o), "TestService/UnimplementedCall"),
        "unimplemented_service" => ExpectUnimplementedAsync(
            o => new UnimplementedService.UnimplementedServiceClient(channel).UnimplementedCallAsync(new Empty(), o), "UnimplementedService/UnimplementedCall"),
        "timeout_on_sleeping_server" => TimeoutOnSleepingServerAsync(),
        "cancel_after_begin" => CancelAfterBeginAsync(),
        "cancel_after_first_response" => CancelAfterFirstResponseAsync(),
        "client_compressed_unary" => ClientCompressedUnaryAsync(),
        "client_compressed_streaming" => ClientCompressedStreamingAsync(),
        "server_compressed_unary" => ServerCompressedUnaryAsync(),
        "server_compressed_streaming" => ServerCompressedStreamingAsync(),
        _ => throw new ArgumentException($"Unknown interop case '{name}'.", nameof(name)),
    };

    private static CallOptions Options(Metadata? headers = null, string? compression = null)
    {
        if (compression is not null)
        {
            headers ??= [];
            headers.Add(RequestEncodingKey, compression);
        }

        return new(headers, DateTime.UtcNow + CallTimeout);
    }

    private static Payload Zeros(int size) => new() { Body = ByteString.CopyFrom(new byte[size]) };

    private static SimpleRequest LargeRequest() => new() { ResponseSize = 314159, Payload = Zeros(271828) };

    private static void ExpectPayload(Payload? payload, int size, string what)
    {
        Expect(payload is not null, $"{what}: no payload");
        Expect(payload!.Body.Length == size, $"{what}: payload is {payload.Body.Length} bytes, expected {size}");
        Expect(payload.Body.Span.IndexOfAnyExcept((byte)0) < 0, $"{what}: payload is not all zeros");
    }

    private static async Task ExpectStatusAsync(Func<Task> call, StatusCode code, string what, string? message = null)
    {
        try
        {
            await call().ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            Expect(ex.StatusCode == code, $"{what}: status {ex.StatusCode} ({ex.Status.Detail}), expected {code}");
            Expect(message is null || ex.Status.Detail == message, $"{what}: message '{ex.Status.Detail}', expected '{message}'");
            return;
        }

        throw new InteropFailure($"{what}: the call succeeded, expected {code}");
    }

    private async Task EmptyUnaryAsync()
    {
        var response = await _client.EmptyCallAsync(new Empty(), Options());
        Expect(response.CalculateSize() == 0, "EmptyCall response is not empty");
    }

    private async Task LargeUnaryAsync()
    {
        var response = await _client.UnaryCallAsync(LargeRequest(), Options());
        ExpectPayload(response.Payload, 314159, "UnaryCall");
    }

    private async Task ClientCompressedUnaryAsync()
    {
        var probe = LargeRequest();
        probe.ExpectCompressed = new BoolValue { Value = true };
        await ExpectStatusAsync(() => _client.UnaryCallAsync(probe, Options()).ResponseAsync, StatusCode.InvalidArgument, "probe");
        foreach (var compressed in new[] { true, false })
        {
            var request = LargeRequest();
            request.ExpectCompressed = new BoolValue { Value = compressed };
            var response = await _client.UnaryCallAsync(request, Options(compression: compressed ? "gzip" : null));
            ExpectPayload(response.Payload, 314159, $"UnaryCall compressed={compressed}");
        }
    }

    private async Task ServerCompressedUnaryAsync()
    {
        foreach (var compressed in new[] { true, false })
        {
            var request = LargeRequest();
            request.ResponseCompressed = new BoolValue { Value = compressed };
            var response = await _client.UnaryCallAsync(request, Options());
            ExpectPayload(response.Payload, 314159, $"UnaryCall response_compressed={compressed}");
        }
    }

    private async Task ClientStreamingAsync()
    {
        using var call = _client.StreamingInputCall(Options());
        foreach (var size in RequestSizes)
        {
            await call.RequestStream.WriteAsync(new StreamingInputCallRequest { Payload = Zeros(size) });
        }

        await call.RequestStream.CompleteAsync();
        var response = await call;
        Expect(response.AggregatedPayloadSize == 74922, $"aggregated_payload_size {response.AggregatedPayloadSize}, expected 74922");
    }

    private async Task ClientCompressedStreamingAsync()
    {
        using (var probe = _client.StreamingInputCall(Options()))
        {
            await ExpectStatusAsync(
                async () =>
                {
                    await probe.RequestStream.WriteAsync(new StreamingInputCallRequest { Payload = Zeros(27182), ExpectCompressed = new BoolValue { Value = true } });
                    await probe.RequestStream.CompleteAsync();
                    await probe;
                },
                StatusCode.InvalidArgument,
                "probe");
        }

        using var call = _client.StreamingInputCall(Options(compression: "gzip"));
        await call.RequestStream.WriteAsync(new StreamingInputCallRequest { Payload = Zeros(27182), ExpectCompressed = new BoolValue { Value = true } });
        call.RequestStream.WriteOptions = new WriteOptions(WriteFlags.NoCompress);
        await call.RequestStream.WriteAsync(new StreamingInputCallRequest { Payload = Zeros(45904), ExpectCompressed = new BoolValue { Value = false } });
        await call.RequestStream.CompleteAsync();
        var response = await call;
        Expect(response.AggregatedPayloadSize == 73086, $"aggregated_payload_size {response.AggregatedPayloadSize}, expected 73086");
    }

    private async Task ServerStreamingAsync()
    {
        var request = new StreamingOutputCallRequest();
        request.ResponseParameters.AddRange(ResponseSizes.Select(size => new ResponseParameters { Size = size }));
        var responses = await ReadAllAsync(_client.StreamingOutputCall(request, Options()));
        Expect(responses.Count == 4, $"{responses.Count} responses, expected 4");
        for (var i = 0; i < responses.Count; i++)
        {
            ExpectPayload(responses[i].Payload, ResponseSizes[i], $"response {i}");
        }
    }

    private async Task ServerCompressedStreamingAsync()
    {
        var request = new StreamingOutputCallRequest
        {
            ResponseParameters =
            {
                new ResponseParameters { Size = 31415, Compressed = new BoolValue { Value = true } },
                new ResponseParameters { Size = 92653, Compressed = new BoolValue { Value = false } },
            },
        };
        var responses = await ReadAllAsync(_client.StreamingOutputCall(request, Options()));
        Expect(responses.Count == 2, $"{responses.Count} responses, expected 2");
        ExpectPayload(responses[0].Payload, 31415, "response 0");
        ExpectPayload(responses[1].Payload, 92653, "response 1");
    }

    private async Task PingPongAsync()
    {
        using var call = _client.FullDuplexCall(Options());
        for (var i = 0; i < RequestSizes.Length; i++)
        {
            await call.RequestStream.WriteAsync(new StreamingOutputCallRequest
            {
                ResponseParameters = { new ResponseParameters { Size = ResponseSizes[i] } },
                Payload = Zeros(RequestSizes[i]),
            });
            Expect(await call.ResponseStream.MoveNext(), $"the stream ended before response {i}");
            ExpectPayload(call.ResponseStream.Current.Payload, ResponseSizes[i], $"response {i}");
        }

        await call.RequestStream.CompleteAsync();
        Expect(!await call.ResponseStream.MoveNext(), "a response after the fourth");
        Expect(call.GetStatus().StatusCode == StatusCode.OK, $"status {call.GetStatus()}");
    }

    private async Task EmptyStreamAsync()
    {
        using var call = _client.FullDuplexCall(Options());
        await call.RequestStream.CompleteAsync();
        Expect(!await call.ResponseStream.MoveNext(), "a response on an empty stream");
        Expect(call.GetStatus().StatusCode == StatusCode.OK, $"status {call.GetStatus()}");
    }

    private async Task CustomMetadataAsync()
    {
        static Metadata Headers() => new()
        {
            { InteropTestService.EchoInitialKey, "test_initial_metadata_value" },
            { InteropTestService.EchoTrailingKey, TrailingValue },
        };

        using (var unary = _client.UnaryCallAsync(LargeRequest(), Options(Headers())))
        {
            ExpectPayload((await unary).Payload, 314159, "UnaryCall");
            await ExpectEchoAsync(unary.ResponseHeadersAsync, unary.GetTrailers, "UnaryCall");
        }

        using var duplex = _client.FullDuplexCall(Options(Headers()));
        await duplex.RequestStream.WriteAsync(new StreamingOutputCallRequest
        {
            ResponseParameters = { new ResponseParameters { Size = 314159 } },
            Payload = Zeros(271828),
        });
        await duplex.RequestStream.CompleteAsync();
        Expect(await duplex.ResponseStream.MoveNext(), "FullDuplexCall: no response");
        ExpectPayload(duplex.ResponseStream.Current.Payload, 314159, "FullDuplexCall");
        Expect(!await duplex.ResponseStream.MoveNext(), "FullDuplexCall: more than one response");
        await ExpectEchoAsync(duplex.ResponseHeadersAsync, duplex.GetTrailers, "FullDuplexCall");
    }

    private static async Task ExpectEchoAsync(Task<Metadata> responseHeaders, Func<Metadata> trailers, string what)
    {
        var headers = await responseHeaders;
        var initial = headers.GetValue(InteropTestService.EchoInitialKey);
        Expect(initial == "test_initial_metadata_value", $"{what}: initial metadata {InteropTestService.EchoInitialKey}='{initial}'");
        var trailing = trailers().GetValueBytes(InteropTestService.EchoTrailingKey);
        Expect(trailing is not null && trailing.AsSpan().SequenceEqual(TrailingValue),
            $"{what}: trailing metadata {InteropTestService.EchoTrailingKey}={(trailing is null ? "missing" : Convert.ToHexString(trailing))}");
    }

    private async Task StatusEchoAsync(int code, string message)
    {
        var status = new EchoStatus { Code = code, Message = message };
        await ExpectStatusAsync(
            () => _client.UnaryCallAsync(new SimpleRequest { ResponseStatus = status }, Options()).ResponseAsync,
            (StatusCode)code,
            "UnaryCall",
            message);

        using var call = _client.FullDuplexCall(Options());
        await call.RequestStream.WriteAsync(new StreamingOutputCallRequest { ResponseStatus = status });
        await call.RequestStream.CompleteAsync();
        await ExpectStatusAsync(async () => await call.ResponseStream.MoveNext(), (StatusCode)code, "FullDuplexCall", message);
    }

    private static async Task ExpectUnimplementedAsync(Func<CallOptions, AsyncUnaryCall<Empty>> call, string what) =>
        await ExpectStatusAsync(() => call(Options()).ResponseAsync, StatusCode.Unimplemented, what);

    private async Task TimeoutOnSleepingServerAsync()
    {
        using var call = _client.FullDuplexCall(new CallOptions(deadline: DateTime.UtcNow.AddMilliseconds(1)));
        await ExpectStatusAsync(
            async () =>
            {
                try
                {
                    await call.RequestStream.WriteAsync(new StreamingOutputCallRequest { Payload = Zeros(27182) });
                }
                catch (RpcException)
                {
                    // The deadline may pass before the write: the read below reports the status.
                }

                await call.ResponseStream.MoveNext();
            },
            StatusCode.DeadlineExceeded,
            "FullDuplexCall");
    }

    private async Task CancelAfterBeginAsync()
    {
        using var cts = new CancellationTokenSource();
        using var call = _client.StreamingInputCall(new CallOptions(cancellationToken: cts.Token));
        await cts.CancelAsync();
        await ExpectStatusAsync(() => call.ResponseAsync, StatusCode.Cancelled, "StreamingInputCall");
    }

    private async Task CancelAfterFirstResponseAsync()
    {
        using var cts = new CancellationTokenSource();
        using var call = _client.FullDuplexCall(new CallOptions(deadline: DateTime.UtcNow + CallTimeout, cancellationToken: cts.Token));
        await call.RequestStream.WriteAsync(new StreamingOutputCallRequest
        {
            ResponseParameters = { new ResponseParameters { Size = 31415 } },
            Payload = Zeros(27182),
        });
        Expect(await call.ResponseStream.MoveNext(), "no first response");
        ExpectPayload(call.ResponseStream.Current.Payload, 31415, "first response");
        await cts.CancelAsync();
        await ExpectStatusAsync(async () => await call.ResponseStream.MoveNext(), StatusCode.Cancelled, "FullDuplexCall");
    }

    private static async Task<List<StreamingOutputCallResponse>> ReadAllAsync(AsyncServerStreamingCall<StreamingOutputCallResponse> call)
    {
        using (call)
        {
            var responses = new List<StreamingOutputCallResponse>();
            while (await call.ResponseStream.MoveNext())
            {
                responses.Add(call.ResponseStream.Current);
            }

            return responses;
        }
    }
}
