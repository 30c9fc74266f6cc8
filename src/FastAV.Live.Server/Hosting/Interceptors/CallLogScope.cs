using System.Collections;
using FastAV.Live.Server.Services;
using Grpc.Core;

namespace FastAV.Live.Server.Hosting.Interceptors;

/// <summary>
/// The logging scope of one call: its method, its peer, its tenant once authenticated, and — once known — its stream
/// id (from the x-fastav-stream-id metadata at once, from StreamOpen or the request body when the service has read it).
/// Every log line written while the call runs carries these fields.
/// </summary>
public sealed class CallLogScope : IReadOnlyList<KeyValuePair<string, object?>>
{
    private static readonly object Key = typeof(CallLogScope);

    private CallLogScope(string method, string peer, string? streamId)
    {
        Method = method;
        Peer = peer;
        StreamId = streamId;
    }

    public string Method { get; }

    public string Peer { get; }

    public string? StreamId { get; set; }

    /// <summary>The caller's tenant, set by the auth interceptor (null for health calls).</summary>
    public string? Tenant { get; set; }

    public int Count => 4;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("GrpcMethod", Method),
        1 => new("Peer", Peer),
        2 => new("StreamId", StreamId),
        3 => new("Tenant", Tenant),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    /// <summary>The scope of the call, stored in its user state so the service can add the stream id.</summary>
    public static CallLogScope Begin(ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var scope = new CallLogScope(context.Method, context.Peer, StreamIdMetadata.Of(context));
        context.UserState[Key] = scope;
        return scope;
    }

    /// <summary>The call's scope; null outside the interceptor pipeline (a service called directly).</summary>
    public static CallLogScope? Of(ServerCallContext context) =>
        context?.UserState.TryGetValue(Key, out var scope) == true ? scope as CallLogScope : null;

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"{Method} peer={Peer} tenant={Tenant ?? "-"} stream={StreamId ?? "-"}";
}
