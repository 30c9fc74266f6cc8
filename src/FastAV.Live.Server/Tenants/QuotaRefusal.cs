using System.Globalization;
using Grpc.Core;

namespace FastAV.Live.Server.Tenants;

/// <summary>Makes the RESOURCE_EXHAUSTED status of a quota: "FIELD: quota NAME of SCOPE exceeded: DETAIL; retry after N ms".</summary>
public static class QuotaRefusal
{
    public static Status Of(string field, string quota, string? tenant, string detail, TimeSpan? retryAfter)
    {
        var exception = new QuotaExceededException(quota, tenant, detail, retryAfter);
        var retry = retryAfter is { } delay ? string.Create(CultureInfo.InvariantCulture, $"; retry after {(long)Math.Ceiling(delay.TotalMilliseconds)} ms") : "";
        return new Status(StatusCode.ResourceExhausted, $"{field}: quota {quota} of {exception.Scope} exceeded: {detail}{retry}", exception);
    }

    /// <summary>The quota behind a status, when it is a quota refusal.</summary>
    public static QuotaExceededException? Of(Status status) => status.DebugException as QuotaExceededException;
}
