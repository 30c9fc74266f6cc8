using FastAV.Live.Contracts.V1;
using FastAV.Live.Server.Hosting;
using FastAV.Live.Server.Hosting.Interceptors;
using FastAV.Live.Server.Inference;
using FastAV.Live.Server.Streams;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace FastAV.Live.Server.Services;

/// <summary>
/// fastav.live.v1.LiveAnalytics as a thin adapter over the generated base: requests go to <see cref="StreamProtocol"/>
/// and <see cref="StreamQueries"/>; their non-OK statuses become <see cref="RpcException"/>s here. The stream id may
/// come as x-fastav-stream-id metadata too (<see cref="StreamIdMetadata"/>). Cross-cutting work (logging scopes, drain)
/// is in the interceptors (<see cref="GrpcPipeline"/>).
/// </summary>
[BindServiceMethod(typeof(LiveAnalyticsBinding), nameof(LiveAnalyticsBinding.BindService))]
public sealed class LiveAnalyticsService : LiveAnalytics.LiveAnalyticsBase
{
    private readonly StreamRegistry _registry;
    private readonly LiveAnalyticsOptions _options;
    private readonly TimeProvider _time;
    private readonly StreamQueries _queries;
    private readonly ModelHost _models;
    private readonly ServerDrain _drain;
    private readonly DetachedStreams _detached;
    private long _askCounter;

    public LiveAnalyticsService(StreamRegistry registry, IOptions<LiveAnalyticsOptions> options, TimeProvider time, ModelHost models, ServerDrain drain, DetachedStreams detached)
    {
        ArgumentNullException.ThrowIfNull(options);
        _registry = registry;
        _options = options.Value;
        _time = time;
        _models = models;
        _drain = drain;
        _detached = detached;
        _queries = new StreamQueries(registry, _options, detached);
    }

    public override Task Stream(IAsyncStreamReader<StreamRequest> requestStream, IServerStreamWriter<StreamResponse> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var protocol = new StreamProtocol(_registry, _options, context.Peer, _models, _time, _detached);
        return new StreamCall(protocol, _options, _time, _drain).RunAsync(requestStream, responseStream, context);
    }

    public override Task Ask(AskRequest request, IServerStreamWriter<AnswerChunk> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        Throw(StreamIdMetadata.Resolve(StreamIdMetadata.Of(context), request.StreamId, "AskRequest.stream_id", out var streamId));
        request.StreamId = streamId;
        CallLogScope.Of(context)?.StreamId = streamId;
        Throw(_queries.Ask(request, out var stream));
        var question = request.Question;
        var id = question.QuestionId.Length > 0 ? question.QuestionId : $"ask-{Interlocked.Increment(ref _askCounter)}";
        var maxTokens = question.MaxTokens == 0 ? _options.DefaultAnswerTokens : (int)question.MaxTokens;
        return new AskCall().RunAsync(_models.Loop!, stream!.Engine!, id, question, maxTokens, responseStream, context.CancellationToken);
    }

    public override Task<ListStreamsResponse> ListStreams(ListStreamsRequest request, ServerCallContext context)
    {
        Throw(_queries.List(request, out var response));
        return Task.FromResult(response!);
    }

    public override Task<GetStreamResponse> GetStream(GetStreamRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        Throw(StreamIdMetadata.Resolve(StreamIdMetadata.Of(context), request.StreamId, "GetStreamRequest.stream_id", out var streamId));
        request.StreamId = streamId;
        CallLogScope.Of(context)?.StreamId = streamId;
        Throw(_queries.Get(request, out var response));
        return Task.FromResult(response!);
    }

    private static void Throw(Status status)
    {
        if (!status.IsOk())
        {
            throw new RpcException(status);
        }
    }
}
