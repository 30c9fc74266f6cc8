using System.Buffers;
using FastAV.Live.Grpc.Wire;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace FastAV.Live.Grpc.Server;

/// <summary>
/// The server side of one call on one HTTP/2 stream: request reading, response headers, messages and
/// trailers, deadline and cancellation. All response output goes through one lock, so a deadline
/// that fires while the handler writes can never interleave frames.
/// </summary>
internal sealed class ServerCall : IDisposable
{
    private readonly HttpContext _http;
    private readonly GrpcServerOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _callCts;
    private readonly CancellationTokenSource? _deadlineCts;
    private readonly SemaphoreSlim _responseLock = new(1, 1);
    private readonly MessageReader _reader;
    private MessageWriter? _writer;
    private bool _headersSent;
    private bool _finished;

    public ServerCall(HttpContext http, string methodName, GrpcServerOptions options, ILogger logger, string? requestEncoding, TimeSpan? timeout, CancellationToken serverShutdown)
    {
        _http = http;
        _options = options;
        _logger = logger;
        _callCts = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, serverShutdown);
        var deadline = timeout is { } t ? DateTime.UtcNow + t : DateTime.MaxValue;
        Context = new ServerCallContext(this, http, methodName, deadline, ReadRequestHeaders(http.Request.Headers), _callCts.Token);
        _reader = new MessageReader(http.Request.BodyReader, options.MaxReceiveMessageSize, requestEncoding, "request");
        if (timeout is { } due)
        {
            _deadlineCts = new CancellationTokenSource();
            _deadlineCts.Token.Register(() => _ = OnDeadlineAsync());
            _deadlineCts.CancelAfter(due > TimeSpan.FromDays(24) ? TimeSpan.FromDays(24) : due);
        }
    }

    public ServerCallContext Context { get; }

    public bool DeadlineExceeded { get; private set; }

    public CancellationToken CancellationToken => _callCts.Token;

    public bool LastRequestCompressed => _reader.LastMessageCompressed;

    public async Task<(bool HasMessage, T Message)> ReadMessageAsync<T>(Marshaller<T> marshaller, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _callCts.Token);
        try
        {
            return await _reader.ReadAsync(marshaller.Deserializer, linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or Microsoft.AspNetCore.Connections.ConnectionResetException)
        {
            // Kestrel fails the body read ("The client reset the request stream") before RequestAborted
            // fires: the client is gone either way, so this is a cancellation, not a handler failure.
            await _callCts.CancelAsync().ConfigureAwait(false);
            throw new OperationCanceledException("The call was canceled by the client.", ex, _callCts.Token);
        }
    }

    /// <summary>Reads the single request of a unary or server-streaming call.</summary>
    public async Task<T> ReadSingleMessageAsync<T>(Marshaller<T> marshaller)
    {
        var (hasMessage, message) = await ReadMessageAsync(marshaller, CancellationToken.None).ConfigureAwait(false);
        if (!hasMessage)
        {
            throw new RpcException(new Status(StatusCode.Internal, "Expected one request message, but the request stream ended without one."));
        }

        var (hasAnother, _) = await ReadMessageAsync(marshaller, CancellationToken.None).ConfigureAwait(false);
        if (hasAnother)
        {
            throw new RpcException(new Status(StatusCode.Internal, "Expected one request message, but the client sent more."));
        }

        return message;
    }

    public async Task WriteMessageAsync<T>(T message, Marshaller<T> marshaller, CancellationToken cancellationToken)
    {
        if (!_responseLock.Wait(0))
        {
            throw new InvalidOperationException("Only one write can be pending at a time.");
        }

        try
        {
            if (_finished)
            {
                throw new InvalidOperationException("Can't write the message because the call is complete.");
            }

            _callCts.Token.ThrowIfCancellationRequested();
            await SendHeadersCoreAsync(null, flush: false).ConfigureAwait(false);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _callCts.Token);
            await _writer!.WriteAsync(message, marshaller, Context.WriteOptions, linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or Microsoft.AspNetCore.Connections.ConnectionResetException or ObjectDisposedException
                                   && _callCts.IsCancellationRequested)
        {
            throw new OperationCanceledException("The call was canceled.", ex, _callCts.Token);
        }
        finally
        {
            _responseLock.Release();
        }
    }

    public async Task WriteResponseHeadersAsync(Metadata headers)
    {
        await _responseLock.WaitAsync(_callCts.Token).ConfigureAwait(false);
        try
        {
            if (_headersSent)
            {
                throw new InvalidOperationException("Response headers can only be sent once per call.");
            }

            await SendHeadersCoreAsync(headers, flush: true).ConfigureAwait(false);
        }
        finally
        {
            _responseLock.Release();
        }
    }

    /// <summary>Ends the call with a status: trailers, or trailers-only when nothing was sent yet.</summary>
    public async Task FinishAsync(Status status, Metadata trailers)
    {
        await _responseLock.WaitAsync().ConfigureAwait(false);
        try
        {
            await FinishCoreAsync(status, trailers).ConfigureAwait(false);
        }
        finally
        {
            _responseLock.Release();
        }
    }

    public void Dispose()
    {
        _deadlineCts?.Dispose();
        _callCts.Dispose();
    }

    private async Task OnDeadlineAsync()
    {
        try
        {
            DeadlineExceeded = true;
            GrpcServerLog.DeadlineExceeded(_logger, Context.Method);
            await _callCts.CancelAsync().ConfigureAwait(false);
            if (await _responseLock.WaitAsync(_options.DeadlineFinishGrace).ConfigureAwait(false))
            {
                try
                {
                    await FinishCoreAsync(Status.DeadlineExceeded, new Metadata()).ConfigureAwait(false);
                    await _http.Response.CompleteAsync().ConfigureAwait(false);
                }
                finally
                {
                    _responseLock.Release();
                }
            }
            else
            {
                // A write is stuck (the client stopped reading): the stream can only be reset.
                _http.Features.Get<IHttpResetFeature>()?.Reset(0x8);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException or OperationCanceledException)
        {
            GrpcServerLog.FinishFailed(_logger, Context.Method, ex);
        }
    }

    /// <summary>Sets the response headers; sends them now only when asked (otherwise they leave with the first message).</summary>
    private async Task SendHeadersCoreAsync(Metadata? headers, bool flush)
    {
        if (_headersSent)
        {
            return;
        }

        _headersSent = true;
        var response = _http.Response;
        var encoding = ChooseResponseEncoding();
        _writer = new MessageWriter(response.BodyWriter, _options.MaxSendMessageSize, encoding);
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = GrpcProtocol.ContentType;
        if (encoding != GrpcProtocol.IdentityEncoding)
        {
            response.Headers[GrpcProtocol.EncodingHeader] = encoding;
        }

        response.Headers[GrpcProtocol.AcceptEncodingHeader] = MessageCompression.AcceptEncodingValue;
        if (headers is not null)
        {
            GrpcResponseHeaders.AppendMetadata(response.Headers, headers);
        }

        if (flush)
        {
            await response.StartAsync(_callCts.Token).ConfigureAwait(false);
            await response.BodyWriter.FlushAsync(_callCts.Token).ConfigureAwait(false);
        }
    }

    private Task FinishCoreAsync(Status status, Metadata trailers)
    {
        if (_finished)
        {
            return Task.CompletedTask;
        }

        _finished = true;
        if (_http.RequestAborted.IsCancellationRequested && !DeadlineExceeded)
        {
            return Task.CompletedTask; // the client reset the stream: nobody is listening for trailers
        }

        var response = _http.Response;
        if (!_headersSent && !response.HasStarted)
        {
            // Trailers-only: one HEADERS frame with END_STREAM.
            _headersSent = true;
            GrpcResponseHeaders.WriteTrailersOnly(response, StatusCodes.Status200OK, status, trailers);
            return Task.CompletedTask;
        }

        if (!response.SupportsTrailers())
        {
            _http.Features.Get<IHttpResetFeature>()?.Reset(0x2);
            return Task.CompletedTask;
        }

        var trailerHeaders = new HeaderDictionary();
        GrpcResponseHeaders.AppendStatus(trailerHeaders, status);
        GrpcResponseHeaders.AppendMetadata(trailerHeaders, trailers);
        foreach (var (key, value) in trailerHeaders)
        {
            response.AppendTrailer(key, value);
        }

        return Task.CompletedTask;
    }

    private string ChooseResponseEncoding()
    {
        var wanted = Context.ResponseCompression ?? _options.ResponseCompression;
        if (wanted == GrpcProtocol.IdentityEncoding)
        {
            return wanted;
        }

        var accepted = _http.Request.Headers[GrpcProtocol.AcceptEncodingHeader].ToString();
        return MessageCompression.IsAccepted(accepted, wanted) ? wanted : GrpcProtocol.IdentityEncoding;
    }

    private static Metadata ReadRequestHeaders(IHeaderDictionary headers)
    {
        var metadata = new Metadata();
        foreach (var (key, values) in headers)
        {
            foreach (var value in values)
            {
                MetadataHeaders.AddReceived(metadata, key, value);
            }
        }

        return metadata;
    }
}
