using Google.Rpc;
using Grpc.Core;

namespace FastAV.Live.Server.Tests.Tenants;

/// <summary>What a quota refusal says in its trailers, read as any client would: google.rpc.Status details and retry-after-ms.</summary>
internal sealed record QuotaDetails(ErrorInfo Info, QuotaFailure Failure, RetryInfo? Retry, string? RetryAfterMs)
{
    public static QuotaDetails Of(Metadata trailers)
    {
        var entry = trailers.Get("grpc-status-details-bin") ?? throw new Xunit.Sdk.XunitException("no grpc-status-details-bin trailer");
        return Of(Google.Rpc.Status.Parser.ParseFrom(entry.ValueBytes), trailers.GetValue("retry-after-ms"));
    }

    public static QuotaDetails Of(Google.Rpc.Status status, string? retryAfterMs)
    {
        Assert.Equal((int)StatusCode.ResourceExhausted, status.Code);
        return new QuotaDetails(
            status.GetDetail<ErrorInfo>() ?? throw new Xunit.Sdk.XunitException("no ErrorInfo"),
            status.GetDetail<QuotaFailure>() ?? throw new Xunit.Sdk.XunitException("no QuotaFailure"),
            status.GetDetail<RetryInfo>(),
            retryAfterMs);
    }

    /// <summary>Asserts the quota, whose it is ("server" or a tenant) and the advised wait (null: none).</summary>
    public void Says(string quota, string? tenant, int? retryMs)
    {
        Assert.Equal("QUOTA_EXCEEDED", Info.Reason);
        Assert.Equal("fastav.live", Info.Domain);
        Assert.Equal(quota, Info.Metadata["quota"]);
        Assert.Equal(tenant is null ? "server" : "tenant", Info.Metadata["scope"]);
        Assert.Equal(tenant ?? "", Info.Metadata.TryGetValue("tenant", out var t) ? t : "");
        var violation = Assert.Single(Failure.Violations);
        Assert.Equal(tenant is null ? "server" : "tenant:" + tenant, violation.Subject);
        Assert.StartsWith(quota + ": ", violation.Description, StringComparison.Ordinal);
        if (retryMs is { } ms)
        {
            Assert.Equal(TimeSpan.FromMilliseconds(ms), Retry!.RetryDelay.ToTimeSpan());
            Assert.Equal(ms.ToString(System.Globalization.CultureInfo.InvariantCulture), RetryAfterMs);
        }
        else
        {
            Assert.Null(Retry);
            Assert.Null(RetryAfterMs);
        }
    }
}
