using FastAV.Live.Contracts.V1;
using Grpc.Core;

namespace FastAV.Live.Server.Streams;

/// <summary>Ask, ListStreams and GetStream against the registry, without gRPC: each returns the status the call ends with. Detached streams answer like live ones (their state says DETACHED).</summary>
public sealed class StreamQueries(StreamRegistry registry, LiveAnalyticsOptions options, DetachedStreams? detached = null)
{
    private readonly QuestionValidator _questions = new(options);

    /// <summary>OK with the stream to ask; INVALID_ARGUMENT, NOT_FOUND, or FAILED_PRECONDITION "no model loaded" when the stream has no engine.</summary>
    public Status Ask(AskRequest request, out LiveStream? asked)
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

        var stream = registry.Find(request.StreamId);
        if (stream is null)
        {
            return LiveStatuses.NotFound("AskRequest.stream_id", $"no live stream {IdentifierRules.Quote(request.StreamId)}");
        }

        stream.Counters.AddQuestion();
        if (stream.Engine is null)
        {
            return LiveStatuses.NoModelLoaded;
        }

        asked = stream;
        return Status.DefaultSuccess;
    }

    public Status Get(GetStreamRequest request, out GetStreamResponse? response)
    {
        ArgumentNullException.ThrowIfNull(request);
        response = null;
        var status = CheckStreamId(request.StreamId, "GetStreamRequest.stream_id");
        if (!status.IsOk())
        {
            return status;
        }

        var stream = registry.Find(request.StreamId);
        if (stream is null)
        {
            return LiveStatuses.NotFound("GetStreamRequest.stream_id", $"no live stream {IdentifierRules.Quote(request.StreamId)}");
        }

        response = new GetStreamResponse { Stream = StreamReports.Info(stream, registry.UptimeMs(stream)) };
        return Status.DefaultSuccess;
    }

    /// <summary>Page token = the last stream id of the previous page (opaque to clients).</summary>
    public Status List(ListStreamsRequest request, out ListStreamsResponse? response)
    {
        ArgumentNullException.ThrowIfNull(request);
        response = null;
        if (request.PageToken.Length > 0 && IdentifierRules.Check(request.PageToken, IdentifierRules.MaxLength) is not null)
        {
            return LiveStatuses.Invalid("ListStreamsRequest.page_token", "is not a next_page_token of a previous ListStreams response");
        }

        var prefix = request.StreamIdPrefix;
        if (prefix.Length > IdentifierRules.MaxLength || !prefix.All(IdentifierRules.IsAllowed))
        {
            return LiveStatuses.Invalid("ListStreamsRequest.stream_id_prefix", $"must be at most {IdentifierRules.MaxLength} characters of [A-Za-z0-9._:-], got {IdentifierRules.Quote(prefix)}");
        }

        var pageSize = request.PageSize == 0 ? options.DefaultPageSize : (int)Math.Min(request.PageSize, (uint)options.MaxPageSize);
        var page = registry.List(prefix, request.PageToken, pageSize + 1, out var total);
        response = new ListStreamsResponse { TotalCount = (uint)total, Server = StreamReports.Server(registry, detached) };
        foreach (var stream in page.Take(pageSize))
        {
            response.Streams.Add(StreamReports.Info(stream, registry.UptimeMs(stream)));
        }

        response.NextPageToken = page.Count > pageSize ? page[pageSize - 1].Id : "";
        return Status.DefaultSuccess;
    }

    private Status CheckStreamId(string streamId, string field)
    {
        var problem = IdentifierRules.Check(streamId, options.MaxStreamIdLength);
        return problem is null ? Status.DefaultSuccess : LiveStatuses.Invalid(field, problem);
    }
}
