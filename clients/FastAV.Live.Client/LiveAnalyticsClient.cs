using System.Runtime.CompilerServices;
using FastAV.Live.Contracts.V1;
using FastAV.Live.Grpc;

namespace FastAV.Live.Client;

/// <summary>
/// Typed calls of fastav.live.v1.LiveAnalytics over a <see cref="GrpcChannel"/>. Failures surface as
/// <see cref="RpcException"/> carrying the server's status (or the client's: DEADLINE_EXCEEDED,
/// CANCELLED, UNAVAILABLE when the server cannot be reached). Thread-safe; one client serves many calls.
/// </summary>
public sealed class LiveAnalyticsClient : IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly bool _ownsChannel;
    private readonly Metadata _headers;

    public LiveAnalyticsClient(GrpcChannel channel, LiveClientOptions? options = null)
        : this(channel, ownsChannel: false, options)
    {
    }

    private LiveAnalyticsClient(GrpcChannel channel, bool ownsChannel, LiveClientOptions? options)
    {
        ArgumentNullException.ThrowIfNull(channel);
        Options = options ?? new LiveClientOptions();
        Options.Validate();
        _channel = channel;
        _ownsChannel = ownsChannel;
        _headers = Options.ToMetadata();
    }

    public LiveClientOptions Options { get; }

    public Uri Address => _channel.Address;

    /// <summary>A client owning its channel to <paramref name="address"/> (http:// = h2c, https:// = TLS).</summary>
    public static LiveAnalyticsClient Create(string address, LiveClientOptions? options = null, GrpcChannelOptions? channelOptions = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
        {
            throw new ArgumentException($"server address '{address}' must be an absolute http:// or https:// URL, e.g. http://127.0.0.1:50051", nameof(address));
        }

        var channel = GrpcChannel.ForAddress(uri, channelOptions);
        try
        {
            return new LiveAnalyticsClient(channel, ownsChannel: true, options);
        }
        catch
        {
            channel.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens a stream: sends <paramref name="open"/>, waits for StreamAccepted and returns the live session.
    /// Throws RpcException with the server's status when the open is refused.
    /// </summary>
    public async Task<LiveStreamSession> OpenStreamAsync(StreamOpen open, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(open);
        var call = _channel.AsyncDuplexStreamingCall(LiveAnalyticsMethods.Stream, CallOptionsFor(timeout ?? Options.StreamTimeout, cancellationToken));
        try
        {
            // Read while writing: when the connection cannot be made, our gRPC layer reports it on the response
            // side, while a first write would wait for a request body that never opens.
            var firstRead = call.ResponseStream.MoveNext(cancellationToken);
            var write = call.RequestStream.WriteAsync(new StreamRequest { Open = open }, cancellationToken);
            if (await Task.WhenAny(write, firstRead).ConfigureAwait(false) == firstRead && firstRead.IsFaulted)
            {
                call.Dispose();
                await firstRead.ConfigureAwait(false);
            }

            try
            {
                await write.ConfigureAwait(false);
            }
            catch (Exception) when (!firstRead.IsCompletedSuccessfully)
            {
                // The server may have refused the open already; its status (from the read) is the one to report.
                await firstRead.ConfigureAwait(false);
                throw;
            }

            if (!await firstRead.ConfigureAwait(false))
            {
                throw new RpcException(new Status(StatusCode.Internal, "the server ended the stream without StreamAccepted"));
            }

            var first = call.ResponseStream.Current;
            if (first.KindCase != StreamResponse.KindOneofCase.Accepted)
            {
                throw new RpcException(new Status(StatusCode.Internal, $"the server's first response was {first.KindCase}, not StreamAccepted"));
            }

            return new LiveStreamSession(call, first.Accepted);
        }
        catch
        {
            call.Dispose();
            throw;
        }
    }

    /// <summary>Asks a question about a live stream; chunks arrive as tokens are generated, the last has done = true.</summary>
    public async IAsyncEnumerable<AnswerChunk> AskAsync(
        string streamId, Question question, TimeSpan? timeout = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(streamId);
        ArgumentNullException.ThrowIfNull(question);
        var request = new AskRequest { StreamId = streamId, Question = question };
        using var call = _channel.AsyncServerStreamingCall(LiveAnalyticsMethods.Ask, CallOptionsFor(timeout ?? Options.CallTimeout, cancellationToken), request);
        while (await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
        {
            yield return call.ResponseStream.Current;
        }
    }

    /// <summary>One page of live streams.</summary>
    public async Task<ListStreamsResponse> ListStreamsAsync(ListStreamsRequest request, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var call = _channel.AsyncUnaryCall(LiveAnalyticsMethods.ListStreams, CallOptionsFor(timeout ?? Options.CallTimeout, cancellationToken), request);
        return await call.ResponseAsync.ConfigureAwait(false);
    }

    /// <summary>Every live stream whose id starts with <paramref name="prefix"/>, following next_page_token page by page.</summary>
    public async IAsyncEnumerable<StreamInfo> ListAllStreamsAsync(
        string prefix = "", uint pageSize = 0, TimeSpan? timeout = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var token = "";
        do
        {
            var page = await ListStreamsAsync(
                new ListStreamsRequest { StreamIdPrefix = prefix, PageSize = pageSize, PageToken = token }, timeout, cancellationToken).ConfigureAwait(false);
            foreach (var stream in page.Streams)
            {
                yield return stream;
            }

            token = page.NextPageToken;
        }
        while (token.Length > 0);
    }

    /// <summary>One live stream with its current stats; NOT_FOUND when no stream has that id.</summary>
    public async Task<StreamInfo> GetStreamAsync(string streamId, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(streamId);
        using var call = _channel.AsyncUnaryCall(
            LiveAnalyticsMethods.GetStream, CallOptionsFor(timeout ?? Options.CallTimeout, cancellationToken), new GetStreamRequest { StreamId = streamId });
        var response = await call.ResponseAsync.ConfigureAwait(false);
        return response.Stream ?? throw new RpcException(new Status(StatusCode.Internal, "GetStreamResponse.stream is unset"));
    }

    public void Dispose()
    {
        if (_ownsChannel)
        {
            _channel.Dispose();
        }
    }

    private CallOptions CallOptionsFor(TimeSpan? timeout, CancellationToken cancellationToken)
    {
        if (timeout is { } t && t <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), t, "must be positive");
        }

        var headers = new Metadata();
        foreach (var entry in _headers)
        {
            headers.Add(entry);
        }

        return new CallOptions(headers, timeout is { } due ? DateTime.UtcNow + due : null, cancellationToken);
    }
}
