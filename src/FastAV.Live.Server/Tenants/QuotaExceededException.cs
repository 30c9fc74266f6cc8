using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace FastAV.Live.Server.Tenants;

/// <summary>
/// What a quota refusal carries besides its message, riding in the RESOURCE_EXHAUSTED status as its debug exception
/// (never sent): the quota, whose it is (a tenant's, or the server's when <see cref="Tenant"/> is null), and how long to
/// wait. The quota interceptor turns it into trailers (<see cref="Trailers"/>) and counts it.
/// </summary>
public sealed class QuotaExceededException : Exception
{
    public const string RetryAfterTrailer = "retry-after-ms";
    public const string ErrorReason = "QUOTA_EXCEEDED";
    public const string ErrorDomain = "fastav.live";

    public QuotaExceededException(string quota, string? tenant, string detail, TimeSpan? retryAfter)
        : base($"quota {quota} exceeded")
    {
        Quota = quota;
        Tenant = tenant;
        Detail = detail;
        RetryAfter = retryAfter;
    }

    public string Quota { get; }

    /// <summary>The tenant whose quota it is; null for a server-wide quota.</summary>
    public string? Tenant { get; }

    public string Detail { get; }

    /// <summary>How long until a retry can pass; null where waiting alone does not help (standing questions).</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>"tenant 'site-a'" or "the server".</summary>
    public string Scope => Tenant is null ? "the server" : $"tenant '{Tenant}'";

    /// <summary>grpc-status-details-bin (google.rpc.Status: ErrorInfo, QuotaFailure, RetryInfo) and retry-after-ms.</summary>
    public Metadata Trailers(Grpc.Core.Status status)
    {
        var details = new Google.Rpc.Status { Code = (int)status.StatusCode, Message = status.Detail };
        var info = new ErrorInfo { Reason = ErrorReason, Domain = ErrorDomain };
        info.Metadata.Add("quota", Quota);
        info.Metadata.Add("scope", Tenant is null ? "server" : "tenant");
        if (Tenant is not null)
        {
            info.Metadata.Add("tenant", Tenant);
        }

        details.Details.Add(Any.Pack(info));
        details.Details.Add(Any.Pack(new QuotaFailure
        {
            Violations = { new QuotaFailure.Types.Violation { Subject = Tenant is null ? "server" : "tenant:" + Tenant, Description = $"{Quota}: {Detail}" } },
        }));
        var trailers = new Metadata();
        if (RetryAfter is { } delay)
        {
            details.Details.Add(Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(delay) }));
            trailers.Add(RetryAfterTrailer, ((long)Math.Ceiling(delay.TotalMilliseconds)).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        trailers.SetRpcStatus(details);
        return trailers;
    }
}
