using FastAV.Live.Contracts.V1;
using FastAV.Live.Server.Hosting;
using FastAV.Live.Server.Hosting.Interceptors;
using FastAV.Live.Server.Inference;
using FastAV.Live.Server.Observability;
using FastAV.Live.Server.Streams;
using FastAV.Live.Server.Tenants;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace FastAV.Live.Server.Services;

/// <summary>
/// fastav.live.v1.LiveAnalytics as a thin adapter over the generated base: requests go to <see cref="StreamProtocol"/>
/// and <see cref="StreamQueries"/>; their non-OK statuses become <see cref="RpcException"/>s here. The stream id may
/// come as x-fastav-stream-id metadata too (<see cref="StreamIdMetadata"/>). Every call acts for the tenant the auth
/// interceptor found (<see cref="Caller.Of"/>), on that tenant's streams (or another's for an admin,
/// <see cref="TenantMetadata"/>). Cross-cutting work (logging scopes, authentication, quota trailers, drain) is in the
/// interceptors (<see cref="GrpcPipeline"/>).
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
    private readonly QuotaBook _quotas;
    private readonly DetachedStreams _detached;
    private readonly LiveTelemetry? _telemetry;
    private long _askCounter;

    public LiveAnalyticsService(StreamRegistry registry, IOptions<LiveAnalyticsOptions> options, TimeProvider time, ModelHost models, ServerDrain drain, QuotaBook quotas, DetachedStreams detached, LiveTelemetry? telemetry = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _registry = registry;
        _options = options.Value;
        _time = time;
        _models = models;
        _drain = drain;
        _quotas = quotas;
        _detached = detached;
        _telemetry = telemetry;
        _queries = new StreamQueries(registry, _options, quotas, detached);
    }

    public override Task Stream(IAsyncStreamReader<StreamRequest> requestStream, IServerStreamWriter<StreamResponse> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var caller = Caller.Of(context);
        Throw(TenantMetadata.ForStream(caller, TenantMetadata.Of(context)));
        var protocol = new StreamProtocol(_registry, _options, context.Peer, _models, _time, _detached) { Owner = caller.Tenant, Quotas = _quotas };
        return new StreamCall(protocol, _options, _time, _drain, _telemetry).RunAsync(requestStream, responseStream, context);
    }

    public override Task Ask(AskRequest request, IServerStreamWriter<AnswerChunk> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        Throw(TenantMetadata.ForQuery(Caller.Of(context), TenantMetadata.Of(context), listing: false, out var tenant));
        Throw(StreamIdMetadata.Resolve(StreamIdMetadata.Of(context), request.StreamId, "AskRequest.stream_id", out var streamId));
        request.StreamId = streamId;
        CallLogScope.Of(context)?.StreamId = streamId;
        Throw(_queries.Ask(request, tenant!, out var stream));
        var question = request.Question;
        var id = question.QuestionId.Length > 0 ? question.QuestionId : $"ask-{Interlocked.Increment(ref _askCounter)}";
        var maxTokens = question.MaxTokens == 0 ? _options.DefaultAnswerTokens : (int)question.MaxTokens;
        return new AskCall().RunAsync(_models.Loop!, stream!.Engine!, id, question, maxTokens, responseStream, context.CancellationToken);
    }

    public override Task<ListStreamsResponse> ListStreams(ListStreamsRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var caller = Caller.Of(context);
        Throw(TenantMetadata.ForQuery(caller, TenantMetadata.Of(context), listing: true, out var tenant));
        var serverView = caller.Credential == CallerCredential.None || caller.Tenant.Holds(TenantRoles.Admin);
        Throw(_queries.List(request, tenant, out var response, serverView));
        return Task.FromResult(response!);
    }

    public override Task<GetStreamResponse> GetStream(GetStreamRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        Throw(TenantMetadata.ForQuery(Caller.Of(context), TenantMetadata.Of(context), listing: false, out var tenant));
        Throw(StreamIdMetadata.Resolve(StreamIdMetadata.Of(context), request.StreamId, "GetStreamRequest.stream_id", out var streamId));
        request.StreamId = streamId;
        CallLogScope.Of(context)?.StreamId = streamId;
        Throw(_queries.Get(request, tenant!, out var response));
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
