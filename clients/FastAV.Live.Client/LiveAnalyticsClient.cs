using System.Runtime.CompilerServices;
using FastAV.Live.Contracts.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace FastAV.Live.Client;

/// <summary>
/// Typed calls of fastav.live.v1.LiveAnalytics over one <see cref="GrpcChannel"/> (Grpc.Net.Client, the generated
/// client). Failures surface as <see cref="RpcException"/> carrying the server's status (or the client's:
/// DEADLINE_EXCEEDED, CANCELLED, UNAVAILABLE when the server cannot be reached). Thread-safe; one client (one
/// channel, its HTTP/2 connections reused) serves many calls. Every call about a stream carries its id as
/// x-fastav-stream-id metadata, so an L7 proxy can route it to the server that holds the stream.
/// </summary>
public sealed class LiveAnalyticsClient : IDisposable
{
    public const string StreamIdHeader = "x-fastav-stream-id";

    private readonly GrpcChannel _channel;
    private readonly bool _ownsChannel;
    private readonly LiveAnalytics.LiveAnalyticsClient _calls;

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
        _calls = new LiveAnalytics.LiveAnalyticsClient(channel);
    }

    public LiveClientOptions Options { get; }

    /// <summary>The server's authority (host:port).</summary>
    public string Target => _channel.Target;

    /// <summary>
    /// A client owning its channel to <paramref name="address"/> (http:// = h2c, https:// = TLS). The channel carries
    /// the options' retry policy for ListStreams and GetStream and, with <see cref="LiveClientOptions.CaCertificatePath"/>,
    /// trusts that CA for TLS. <paramref name="channelOptions"/> replaces those channel settings when given.
    /// </summary>
    public static LiveAnalyticsClient Create(string address, LiveClientOptions? options = null, GrpcChannelOptions? channelOptions = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
        {
            throw new ArgumentException($"server address '{address}' must be an absolute http:// or https:// URL, e.g. http://127.0.0.1:50051", nameof(address));
        }

        options ??= new LiveClientOptions();
        options.Validate();
        var channel = GrpcChannel.ForAddress(uri, channelOptions ?? LiveChannel.Options(options));
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
        var call = _calls.Stream(CallOptionsFor(open.StreamId, timeout ?? Options.StreamTimeout, cancellationToken));
        try
        {
            // Read while writing: when the server refuses the call at once (or cannot be reached), the read carries its status.
            var firstRead = call.ResponseStream.MoveNext(cancellationToken);
            var write = call.RequestStream.WriteAsync(new StreamRequest { Open = open }, cancellationToken);
            if (await Task.WhenAny(write, firstRead).ConfigureAwait(false) == firstRead && firstRead.IsFaulted)
            {
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

    /// <summary>Asks a question about a live stream; chunks arrive as tokens are generated, the last has done = true. Never retried: it runs the model.</summary>
    public async IAsyncEnumerable<AnswerChunk> AskAsync(
        string streamId, Question question, TimeSpan? timeout = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(streamId);
        ArgumentNullException.ThrowIfNull(question);
        var request = new AskRequest { StreamId = streamId, Question = question };
        using var call = _calls.Ask(request, CallOptionsFor(streamId, timeout ?? Options.CallTimeout, cancellationToken));
        while (await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
        {
            yield return call.ResponseStream.Current;
        }
    }

    /// <summary>One page of live streams (retried on UNAVAILABLE, <see cref="LiveClientOptions.MaxReadAttempts"/>).</summary>
    public async Task<ListStreamsResponse> ListStreamsAsync(ListStreamsRequest request, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var call = _calls.ListStreamsAsync(request, CallOptionsFor("", timeout ?? Options.CallTimeout, cancellationToken));
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

    /// <summary>One live stream with its current stats; NOT_FOUND when no stream has that id (retried on UNAVAILABLE).</summary>
    public async Task<StreamInfo> GetStreamAsync(string streamId, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(streamId);
        using var call = _calls.GetStreamAsync(new GetStreamRequest { StreamId = streamId }, CallOptionsFor(streamId, timeout ?? Options.CallTimeout, cancellationToken));
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

    private CallOptions CallOptionsFor(string streamId, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        if (timeout is { } t && t <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), t, "must be positive");
        }

        var headers = Options.ToMetadata();
        // Only an id that can travel as a header value (every valid id can; a bad one is refused from the body).
        if (streamId.Length > 0 && streamId.All(c => c is > ' ' and <= '~'))
        {
            headers.Add(StreamIdHeader, streamId);
        }

        return new CallOptions(headers, timeout is { } due ? DateTime.UtcNow + due : null, cancellationToken);
    }
}
