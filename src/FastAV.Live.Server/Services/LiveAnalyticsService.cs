using FastAV.Live.Contracts.V1;
using FastAV.Live.Grpc;
using FastAV.Live.Server.Inference;
using FastAV.Live.Server.Streams;
using Microsoft.Extensions.Options;

namespace FastAV.Live.Server.Services;

/// <summary>
/// fastav.live.v1.LiveAnalytics as a thin adapter: requests go to <see cref="StreamProtocol"/> and
/// <see cref="StreamQueries"/>, non-OK statuses become <see cref="RpcException"/>s here and nowhere else.
/// </summary>
public sealed class LiveAnalyticsService : IGrpcService
{
    public static readonly Method<StreamRequest, StreamResponse> StreamMethod =
        ProtoMethod.Create<StreamRequest, StreamResponse>(LiveReflection.Descriptor.Services[0], "Stream");

    public static readonly Method<AskRequest, AnswerChunk> AskMethod =
        ProtoMethod.Create<AskRequest, AnswerChunk>(LiveReflection.Descriptor.Services[0], "Ask");

    public static readonly Method<ListStreamsRequest, ListStreamsResponse> ListStreamsMethod =
        ProtoMethod.Create<ListStreamsRequest, ListStreamsResponse>(LiveReflection.Descriptor.Services[0], "ListStreams");

    public static readonly Method<GetStreamRequest, GetStreamResponse> GetStreamMethod =
        ProtoMethod.Create<GetStreamRequest, GetStreamResponse>(LiveReflection.Descriptor.Services[0], "GetStream");

    private readonly StreamRegistry _registry;
    private readonly LiveAnalyticsOptions _options;
    private readonly TimeProvider _time;
    private readonly StreamQueries _queries;
    private readonly ModelHost _models;
    private long _askCounter;

    public LiveAnalyticsService(StreamRegistry registry, IOptions<LiveAnalyticsOptions> options, TimeProvider time, ModelHost models)
    {
        ArgumentNullException.ThrowIfNull(options);
        _registry = registry;
        _options = options.Value;
        _time = time;
        _models = models;
        _queries = new StreamQueries(registry, _options);
    }

    public ServerServiceDefinition BindService() =>
        ServerServiceDefinition.CreateBuilder()
            .AddMethod(StreamMethod, StreamAsync)
            .AddMethod(AskMethod, AskAsync)
            .AddMethod(ListStreamsMethod, ListStreamsAsync)
            .AddMethod(GetStreamMethod, GetStreamAsync)
            .Build();

    private Task StreamAsync(IAsyncStreamReader<StreamRequest> requests, IServerStreamWriter<StreamResponse> responses, ServerCallContext context)
    {
        var protocol = new StreamProtocol(_registry, _options, context.Peer, _models, _time);
        return new StreamCall(protocol, _options, _time).RunAsync(requests, responses, context.CancellationToken);
    }

    private Task AskAsync(AskRequest request, IServerStreamWriter<AnswerChunk> responses, ServerCallContext context)
    {
        var status = _queries.Ask(request, out var stream);
        if (!status.IsOk())
        {
            return Task.FromException(new RpcException(status));
        }

        var question = request.Question;
        var id = question.QuestionId.Length > 0 ? question.QuestionId : $"ask-{Interlocked.Increment(ref _askCounter)}";
        var maxTokens = question.MaxTokens == 0 ? _options.DefaultAnswerTokens : (int)question.MaxTokens;
        return new AskCall().RunAsync(_models.Loop!, stream!.Engine!, id, question, maxTokens, responses, context.CancellationToken);
    }

    private Task<ListStreamsResponse> ListStreamsAsync(ListStreamsRequest request, ServerCallContext context)
    {
        var status = _queries.List(request, out var response);
        return status.IsOk() ? Task.FromResult(response!) : Task.FromException<ListStreamsResponse>(new RpcException(status));
    }

    private Task<GetStreamResponse> GetStreamAsync(GetStreamRequest request, ServerCallContext context)
    {
        var status = _queries.Get(request, out var response);
        return status.IsOk() ? Task.FromResult(response!) : Task.FromException<GetStreamResponse>(new RpcException(status));
    }
}
