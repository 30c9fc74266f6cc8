using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using FastAV.Live.Grpc.Wire;

namespace FastAV.Live.Grpc.Client;

/// <summary>
/// The client side of one call: one HTTP/2 request whose body carries the request messages and whose
/// response carries headers, messages and trailers. The first status recorded wins (server trailers,
/// deadline, cancellation, or a protocol error found here); every later failure reports that status.
/// </summary>
internal sealed class GrpcCall<TRequest, TResponse> : IClientCall
{
    private readonly GrpcChannel _channel;
    private readonly Method<TRequest, TResponse> _method;
    private readonly CallOptions _options;
    private readonly string _requestEncoding;
    private readonly CancellationTokenSource _cts = new();
    private readonly TaskCompletionSource<Stream> _requestStream = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _requestDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _statusKnown = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lazy<Task<Metadata>> _responseHeaders;
    private readonly Lock _statusLock = new();
    private Task<HttpResponseMessage> _responseTask = null!;
    private Task<HttpResponseMessage>? _validatedResponse;
    private CancellationTokenRegistration _userCancellation;
    private Timer? _deadlineTimer;
    private MessageReader? _reader;
    private MessageWriter? _writer;
    private Metadata _headers = new();
    private bool _trailersOnly;
    private bool _requestCompleted;
    private int _writing;
    private Status? _status;
    private Metadata? _trailers;

    private static readonly TimeSpan ServerStatusWait = TimeSpan.FromSeconds(1);

    // Reads of 64 KiB rather than the 4 KiB default: a large message takes a few reads, not hundreds.
    private static readonly StreamPipeReaderOptions ResponsePipeOptions = new(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024);

    public GrpcCall(GrpcChannel channel, Method<TRequest, TResponse> method, CallOptions options)
    {
        _channel = channel;
        _method = method;
        _options = options;
        _requestEncoding = options.RequestCompression ?? GrpcProtocol.IdentityEncoding;
        if (!MessageCompression.IsSupported(_requestEncoding))
        {
            throw new ArgumentException($"Request compression '{_requestEncoding}' is not one of identity, gzip, deflate.", nameof(options));
        }

        _responseHeaders = new Lazy<Task<Metadata>>(ReadHeadersAsync);
    }

    public Task<Metadata> ResponseHeadersAsync => _responseHeaders.Value;

    public void StartWithRequest(TRequest request)
    {
        byte[] frame;
        try
        {
            var payload = _method.RequestMarshaller.Serializer(request);
            CheckSendSize(payload.Length);
            var noCompress = _options.WriteOptions is { } writeOptions && (writeOptions.Flags & WriteFlags.NoCompress) != 0;
            var compress = _requestEncoding != GrpcProtocol.IdentityEncoding && !noCompress;
            frame = MessageFraming.Frame(compress ? MessageCompression.Compress(_requestEncoding, payload) : payload, compress);
        }
        catch (RpcException ex)
        {
            TrySetStatus(ex.Status, new Metadata());
            _responseTask = Task.FromException<HttpResponseMessage>(new RpcException(ex.Status));
            return;
        }

        Start(new GrpcRequestContent(async stream =>
        {
            await stream.WriteAsync(frame, _cts.Token).ConfigureAwait(false);
            await stream.FlushAsync(_cts.Token).ConfigureAwait(false);
        }));
    }

    public void StartStreaming() =>
        Start(new GrpcRequestContent(async stream =>
        {
            _requestStream.TrySetResult(stream);
            await _requestDone.Task.ConfigureAwait(false);
        }));

    public async Task WriteRequestAsync(TRequest message, WriteOptions? options, CancellationToken cancellationToken)
    {
        if (_status is { } status)
        {
            throw status.StatusCode == StatusCode.OK
                ? new InvalidOperationException("Can't write the message because the call is complete.")
                : new RpcException(status, _trailers ?? new Metadata());
        }

        if (_requestCompleted)
        {
            throw new InvalidOperationException("Can't write the message because the request stream is complete.");
        }

        if (Interlocked.Exchange(ref _writing, 1) == 1)
        {
            throw new InvalidOperationException("Can't write the message because the previous write is in progress.");
        }

        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _cts.Token);
            var opened = _requestStream.Task;
            if (!opened.IsCompleted && await Task.WhenAny(opened, _responseTask).WaitAsync(linked.Token).ConfigureAwait(false) != opened)
            {
                // The response ended before the request body was ever opened (connection refused, a trailers-only
                // answer): the write can never happen, and the call's status is the answer.
                if (_responseTask.Exception?.InnerException is { } failure) throw ToRpcException(failure);
                await AwaitServerStatusAsync().ConfigureAwait(false);
                throw ToRpcException(new IOException("the server answered before the request stream opened"));
            }

            var stream = await opened.ConfigureAwait(false);
            _writer ??= new MessageWriter(
                PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true)), _channel.Options.MaxSendMessageSize, _requestEncoding);
            await _writer.WriteAsync(message, _method.RequestMarshaller, options ?? _options.WriteOptions, linked.Token)
                .ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not RpcException && _status is null && !cancellationToken.IsCancellationRequested)
        {
            // The request stream broke, most often because the server already ended the call: report the
            // server's status (from the response, which may still be in flight) rather than a guess.
            await AwaitServerStatusAsync().ConfigureAwait(false);
            throw ToRpcException(ex);
        }
        catch (Exception ex)
        {
            throw ToRpcException(ex);
        }
        finally
        {
            Volatile.Write(ref _writing, 0);
        }
    }

    private async Task AwaitServerStatusAsync()
    {
        try
        {
            // A trailers-only answer carries the status in the headers; otherwise a reader may record it.
            await GetValidatedResponseAsync().WaitAsync(ServerStatusWait).ConfigureAwait(false);
            await _statusKnown.Task.WaitAsync(ServerStatusWait).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or RpcException or HttpRequestException or IOException or OperationCanceledException)
        {
            // No status from the server in time: the caller maps the write error itself.
        }
    }

    public Task CompleteRequestAsync()
    {
        if (_status is { StatusCode: not StatusCode.OK } status)
        {
            throw new RpcException(status, _trailers ?? new Metadata());
        }

        if (Volatile.Read(ref _writing) == 1)
        {
            throw new InvalidOperationException("Can't complete the request stream while a write is in progress.");
        }

        _requestCompleted = true;
        _requestDone.TrySetResult();
        return Task.CompletedTask;
    }

    /// <summary>Reads the next response; (false, default) at a successful end; RpcException for any other end.</summary>
    public async Task<(bool HasMessage, TResponse Message)> ReadResponseAsync(CancellationToken cancellationToken)
    {
        try
        {
            var response = await GetValidatedResponseAsync().ConfigureAwait(false);
            if (_trailersOnly)
            {
                return EndOfStream();
            }

            if (_reader is null)
            {
                var body = await response.Content.ReadAsStreamAsync(_cts.Token).ConfigureAwait(false);
                var encoding = response.Headers.TryGetValues(GrpcProtocol.EncodingHeader, out var values) ? values.FirstOrDefault() : null;
                _reader = new MessageReader(PipeReader.Create(body, ResponsePipeOptions), _channel.Options.MaxReceiveMessageSize, encoding, "response");
            }

            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _cts.Token);
            var result = await _reader.ReadAsync(_method.ResponseMarshaller.Deserializer, linked.Token).ConfigureAwait(false);
            if (result.HasMessage)
            {
                return result;
            }

            var (status, trailers) = ReadStatus(response.TrailingHeaders, fromTrailers: true);
            TrySetStatus(status, trailers);
            return EndOfStream();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && _status is null)
        {
            // Canceling a read cancels the call, as in Grpc.Net.Client.
            Cancel(Status.DefaultCancelled);
            throw new RpcException(Status.DefaultCancelled);
        }
        catch (Exception ex)
        {
            throw ToRpcException(ex);
        }
    }

    /// <summary>The single response of a unary or client-streaming call.</summary>
    public async Task<TResponse> ReadSingleResponseAsync()
    {
        var (hasMessage, message) = await ReadResponseAsync(CancellationToken.None).ConfigureAwait(false);
        if (!hasMessage)
        {
            throw new RpcException(new Status(StatusCode.Internal, "Failed to deserialize response message: the call ended OK without one."));
        }

        var (hasAnother, _) = await ReadResponseAsync(CancellationToken.None).ConfigureAwait(false);
        if (hasAnother)
        {
            var status = new Status(StatusCode.Internal, "The server sent more than one response message for a single-response call.");
            Cancel(status);
            throw new RpcException(status);
        }

        return message;
    }

    public Status GetStatus() => _status ?? throw new InvalidOperationException("Unable to get the status because the call is not complete.");

    public Metadata GetTrailers() =>
        _status is null ? throw new InvalidOperationException("Can't get the call trailers because the call has not completed successfully.") : _trailers!;

    public void Dispose()
    {
        if (_status is null)
        {
            Cancel(new Status(StatusCode.Cancelled, "gRPC call disposed."));
        }

        if (_responseTask is { IsCompletedSuccessfully: true })
        {
            _responseTask.Result.Dispose();
        }
    }

    private (bool, TResponse) EndOfStream()
    {
        var status = _status!.Value;
        _requestDone.TrySetResult();
        if (status.StatusCode != StatusCode.OK)
        {
            throw new RpcException(status, _trailers!);
        }

        return (false, default!);
    }

    private void Start(GrpcRequestContent content)
    {
        TimeSpan? timeout = null;
        if (_options.Deadline is { } deadline && deadline != DateTime.MaxValue)
        {
            timeout = deadline.ToUniversalTime() - DateTime.UtcNow;
            if (timeout <= TimeSpan.Zero)
            {
                TrySetStatus(Status.DeadlineExceeded, new Metadata());
                _responseTask = Task.FromException<HttpResponseMessage>(new RpcException(Status.DeadlineExceeded));
                return;
            }
        }

        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_channel.Address, _method.FullName))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        var headers = request.Headers;
        headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        headers.TryAddWithoutValidation(GrpcProtocol.UserAgentHeader, _channel.Options.UserAgent);
        headers.TryAddWithoutValidation(GrpcProtocol.AcceptEncodingHeader, MessageCompression.AcceptEncodingValue);
        if (_requestEncoding != GrpcProtocol.IdentityEncoding)
        {
            headers.TryAddWithoutValidation(GrpcProtocol.EncodingHeader, _requestEncoding);
        }

        if (timeout is { } due)
        {
            headers.TryAddWithoutValidation(GrpcProtocol.TimeoutHeader, GrpcTimeout.Format(due));
        }

        foreach (var entry in _options.Headers ?? [])
        {
            if (!GrpcProtocol.IsReservedHeader(entry.Key))
            {
                headers.TryAddWithoutValidation(entry.Key, MetadataHeaders.ToHeaderValue(entry));
            }
        }

        _responseTask = _channel.Invoker.SendAsync(request, _cts.Token);
        if (timeout is { } t)
        {
            var dueTime = t > TimeSpan.FromDays(24) ? TimeSpan.FromDays(24) : t;
            _deadlineTimer = new Timer(_ => Cancel(Status.DeadlineExceeded), null, dueTime, Timeout.InfiniteTimeSpan);
        }

        if (_options.CancellationToken.CanBeCanceled)
        {
            _userCancellation = _options.CancellationToken.Register(() => Cancel(Status.DefaultCancelled));
        }
    }

    private async Task<Metadata> ReadHeadersAsync()
    {
        try
        {
            await GetValidatedResponseAsync().ConfigureAwait(false);
            return _headers;
        }
        catch (Exception ex)
        {
            throw ToRpcException(ex);
        }
    }

    private Task<HttpResponseMessage> GetValidatedResponseAsync()
    {
        lock (_statusLock)
        {
            return _validatedResponse ??= ValidateResponseAsync();
        }
    }

    private async Task<HttpResponseMessage> ValidateResponseAsync()
    {
        var response = await _responseTask.ConfigureAwait(false);
        _headers = ToMetadata(response.Headers);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var code = (int)response.StatusCode;
            var detail = $"Bad gRPC response. HTTP status code: {code.ToString(CultureInfo.InvariantCulture)}";
            if (HeaderValue(response.Headers, GrpcProtocol.MessageTrailer) is { } message)
            {
                detail += ". " + PercentEncoding.Decode(message);
            }

            throw Fail(new Status(HttpStatusMapping.ToStatusCode(code), detail));
        }

        var contentType = response.Content.Headers.ContentType?.ToString();
        if (!GrpcProtocol.IsGrpcContentType(contentType))
        {
            throw Fail(new Status(StatusCode.Internal, $"Bad gRPC response. Invalid content-type value: {contentType ?? "(none)"}"));
        }

        if (HeaderValue(response.Headers, GrpcProtocol.StatusTrailer) is not null)
        {
            _trailersOnly = true;
            var (status, trailers) = ReadStatus(response.Headers, fromTrailers: false);
            TrySetStatus(status, trailers);
            return response;
        }

        if (HeaderValue(response.Headers, GrpcProtocol.EncodingHeader) is { } encoding && !MessageCompression.IsSupported(encoding))
        {
            throw Fail(new Status(StatusCode.Internal, $"The server's grpc-encoding '{encoding}' is not supported."));
        }

        return response;
    }

    private RpcException Fail(Status status)
    {
        Cancel(status);
        return new RpcException(_status!.Value, _trailers!);
    }

    private void CheckSendSize(int length)
    {
        if (length > _channel.Options.MaxSendMessageSize)
        {
            throw new RpcException(new Status(
                StatusCode.ResourceExhausted,
                $"Sending message exceeds the maximum configured message size ({length} > {_channel.Options.MaxSendMessageSize} bytes)."));
        }
    }

    private RpcException ToRpcException(Exception ex)
    {
        if (_status is { } known)
        {
            return ex is RpcException same && same.Status == known ? same : new RpcException(known, _trailers ?? new Metadata());
        }

        var status = ex switch
        {
            RpcException rpc => rpc.Status,
            _ when (ex as HttpProtocolException ?? ex.InnerException as HttpProtocolException) is { } protocol =>
                new Status(Http2ErrorMapping.ToStatusCode(protocol.ErrorCode), $"The HTTP/2 stream was reset: {protocol.Message}"),
            HttpRequestException http => new Status(StatusCode.Unavailable, $"Error starting gRPC call. {http.GetType().Name}: {http.Message}"),
            IOException io => new Status(StatusCode.Unavailable, $"Error reading the response. {io.Message}"),
            OperationCanceledException => Status.DefaultCancelled,
            _ => new Status(StatusCode.Internal, $"Error in the gRPC call. {ex.GetType().Name}: {ex.Message}"),
        };
        Cancel(status);
        return new RpcException(_status!.Value, _trailers!);
    }

    private void Cancel(Status status)
    {
        if (TrySetStatus(status, new Metadata()))
        {
            _cts.Cancel();
            _requestStream.TrySetCanceled();
            _requestDone.TrySetCanceled();
        }
    }

    private bool TrySetStatus(Status status, Metadata trailers)
    {
        lock (_statusLock)
        {
            if (_status is not null)
            {
                return false;
            }

            _trailers = trailers;
            _status = status;
        }

        _deadlineTimer?.Dispose();
        _userCancellation.Dispose();
        _statusKnown.TrySetResult();
        return true;
    }

    private static (Status Status, Metadata Trailers) ReadStatus(HttpHeaders headers, bool fromTrailers)
    {
        var trailers = ToMetadata(headers);
        var code = HeaderValue(headers, GrpcProtocol.StatusTrailer);
        if (code is null)
        {
            return (new Status(StatusCode.Internal, fromTrailers ? "No grpc-status found on response." : "No grpc-status in the headers."), trailers);
        }

        if (!int.TryParse(code, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return (new Status(StatusCode.Unknown, $"Unexpected grpc-status value: {code}"), trailers);
        }

        var detail = HeaderValue(headers, GrpcProtocol.MessageTrailer);
        return (new Status((StatusCode)value, detail is null ? "" : PercentEncoding.Decode(detail)), trailers);
    }

    private static string? HeaderValue(HttpHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static Metadata ToMetadata(HttpHeaders headers)
    {
        var metadata = new Metadata();
        foreach (var (key, values) in headers.NonValidated)
        {
            foreach (var value in values)
            {
                MetadataHeaders.AddReceived(metadata, key, value);
            }
        }

        return metadata;
    }
}
