using Grpc.Core;
using FastAV.Live.Server.Streams;

namespace FastAV.Live.Server.Services;

/// <summary>
/// The stream id as request metadata, for routing many servers: an L7 proxy (Envoy ring hash, Istio consistentHash,
/// llm-d session affinity) hashes this header to pin every call about a stream — its Stream call, Ask and GetStream
/// from anywhere — to the pod that holds its KV cache. Stream, Ask and GetStream take the id from the header when the
/// body leaves it empty; when both are set they must agree.
/// </summary>
public static class StreamIdMetadata
{
    public const string Key = "x-fastav-stream-id";

    /// <summary>
    /// The header's value, read from the HTTP request itself: the library's <see cref="ServerCallContext.RequestHeaders"/>
    /// throws (the call would end UNKNOWN) when any other header's name is not a valid metadata key.
    /// </summary>
    public static string? Of(ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var values = context.GetHttpContext().Request.Headers[Key];
        return values.Count == 0 ? null : values.ToString();
    }

    /// <summary>
    /// The id the call is about: the body's field, else the header's. INVALID_ARGUMENT naming both when both are set
    /// and differ. The id itself is validated later, like any stream id.
    /// </summary>
    public static Status Resolve(string? header, string bodyId, string field, out string streamId)
    {
        ArgumentNullException.ThrowIfNull(bodyId);
        streamId = bodyId.Length > 0 ? bodyId : header ?? "";
        if (bodyId.Length > 0 && !string.IsNullOrEmpty(header) && header != bodyId)
        {
            return LiveStatuses.Invalid(field, $"{IdentifierRules.Quote(bodyId)} and metadata {Key} {IdentifierRules.Quote(header)} name different streams");
        }

        return Status.DefaultSuccess;
    }
}
