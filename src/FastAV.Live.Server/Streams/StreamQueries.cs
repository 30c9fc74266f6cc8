using FastAV.Live.Contracts.V1;
using FastAV.Live.Server.Tenants;
using Grpc.Core;

namespace FastAV.Live.Server.Streams;

/// <summary>
/// Ask, ListStreams and GetStream against the registry, without gRPC: each returns the status the call ends with. Each
/// acts on one tenant's streams (the caller's, or the one an admin names); another tenant's stream is NOT_FOUND with
/// the same message as an id no one uses, so its existence does not leak. Detached streams answer like live ones (their
/// state says DETACHED). <paramref name="quotas"/> (null: none) charges Ask calls to the tenant's and the server's
/// asks_per_second.
/// </summary>
public sealed class StreamQueries(StreamRegistry registry, LiveAnalyticsOptions options, QuotaBook? quotas = null, DetachedStreams? detached = null)
{
    private readonly QuestionValidator _questions = new(options);

    /// <summary>Ask in the default tenant (a server without a tenants file).</summary>
    public Status Ask(AskRequest request, out LiveStream? asked) => Ask(request, Tenant.DefaultName, out asked);

    /// <summary>
    /// OK with <paramref name="tenant"/>'s stream to ask; INVALID_ARGUMENT, NOT_FOUND, RESOURCE_EXHAUSTED by quota
    /// asks_per_second (counted in the stream's asks_refused), or FAILED_PRECONDITION "no model loaded" when the stream
    /// has no engine.
    /// </summary>
    public Status Ask(AskRequest request, string tenant, out LiveStream? asked)
    {
        ArgumentNullException.ThrowIfNull(request);
        asked = null;
        var status = CheckStreamId(request.StreamId, "AskRequest.stream_id");
        if (!status.IsOk())
        {
            return status;
        }

        status = _questions.Validate(request.Question, "AskRequest.question", idRequired: false);
        if (!status.IsOk())
        {
            return status;
        }

        var stream = registry.Find(new StreamKey(tenant, request.StreamId));
        if (stream is null)
        {
            return LiveStatuses.NotFound("AskRequest.stream_id", $"no live stream {IdentifierRules.Quote(request.StreamId)}");
        }

        if (quotas?.TryAsk(tenant, "AskRequest") is { } charged && !charged.IsOk())
        {
            stream.Counters.AddAskRefused();
            return charged;
        }

        stream.Counters.AddQuestion();
        if (stream.Engine is null)
        {
            return LiveStatuses.NoModelLoaded;
        }

        asked = stream;
        return Status.DefaultSuccess;
    }

    /// <summary>GetStream in the default tenant (a server without a tenants file).</summary>
    public Status Get(GetStreamRequest request, out GetStreamResponse? response) => Get(request, Tenant.DefaultName, out response);

    public Status Get(GetStreamRequest request, string tenant, out GetStreamResponse? response)
    {
        ArgumentNullException.ThrowIfNull(request);
        response = null;
        var status = CheckStreamId(request.StreamId, "GetStreamRequest.stream_id");
        if (!status.IsOk())
        {
            return status;
        }

        var stream = registry.Find(new StreamKey(tenant, request.StreamId));
        if (stream is null)
        {
            return LiveStatuses.NotFound("GetStreamRequest.stream_id", $"no live stream {IdentifierRules.Quote(request.StreamId)}");
        }

        response = new GetStreamResponse { Stream = StreamReports.Info(stream, registry.UptimeMs(stream)) };
        return Status.DefaultSuccess;
    }

    /// <summary>ListStreams in the default tenant (a server without a tenants file).</summary>
    public Status List(ListStreamsRequest request, out ListStreamsResponse? response) => List(request, Tenant.DefaultName, out response);

    /// <summary>
    /// The streams of <paramref name="tenant"/>, or of every tenant when null (an admin). Page token = the last stream id
    /// of the previous page, "tenant/id" across tenants (opaque to clients; '/' is in no identifier). ServerStats only
    /// with <paramref name="serverView"/> (an admin, or a server without tenants).
    /// </summary>
    public Status List(ListStreamsRequest request, string? tenant, out ListStreamsResponse? response, bool serverView = true)
    {
        ArgumentNullException.ThrowIfNull(request);
        response = null;
        StreamKey? after = null;
        if (request.PageToken.Length > 0)
        {
            after = PageKey(request.PageToken, tenant);
            if (after is null)
            {
                return LiveStatuses.Invalid("ListStreamsRequest.page_token", "is not a next_page_token of a previous ListStreams response");
            }
        }

        var prefix = request.StreamIdPrefix;
        if (prefix.Length > IdentifierRules.MaxLength || !prefix.All(IdentifierRules.IsAllowed))
        {
            return LiveStatuses.Invalid("ListStreamsRequest.stream_id_prefix", $"must be at most {IdentifierRules.MaxLength} characters of [A-Za-z0-9._:-], got {IdentifierRules.Quote(prefix)}");
        }

        var pageSize = request.PageSize == 0 ? options.DefaultPageSize : (int)Math.Min(request.PageSize, (uint)options.MaxPageSize);
        var page = registry.List(tenant, prefix, after, pageSize + 1, out var total);
        response = new ListStreamsResponse { TotalCount = (uint)total };
        if (serverView)
        {
            // Whole-server figures (memory, KV, detaches over every tenant): for admins and open servers only.
            response.Server = StreamReports.Server(registry, detached);
        }

        foreach (var stream in page.Take(pageSize))
        {
            response.Streams.Add(StreamReports.Info(stream, registry.UptimeMs(stream)));
        }

        response.NextPageToken = page.Count <= pageSize ? "" : tenant is null ? page[pageSize - 1].Key.ToString() : page[pageSize - 1].Id;
        return Status.DefaultSuccess;
    }

    private static StreamKey? PageKey(string token, string? tenant)
    {
        if (tenant is not null)
        {
            return IdentifierRules.Check(token, IdentifierRules.MaxLength) is null ? new StreamKey(tenant, token) : null;
        }

        var slash = token.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return null;
        }

        var key = new StreamKey(token[..slash], token[(slash + 1)..]);
        return IdentifierRules.Check(key.Tenant, IdentifierRules.MaxLength) is null && IdentifierRules.Check(key.StreamId, IdentifierRules.MaxLength) is null ? key : null;
    }

    private Status CheckStreamId(string streamId, string field)
    {
        var problem = IdentifierRules.Check(streamId, options.MaxStreamIdLength);
        return problem is null ? Status.DefaultSuccess : LiveStatuses.Invalid(field, problem);
    }
}
