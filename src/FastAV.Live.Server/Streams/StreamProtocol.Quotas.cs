using FastAV.Live.Contracts.V1;
using FastAV.Live.Server.Tenants;
using Grpc.Core;

namespace FastAV.Live.Server.Streams;

/// <summary>The stream's side of tenant quotas: standing questions per stream, media bytes per second.</summary>
public sealed partial class StreamProtocol
{
    /// <summary>The tenant the stream opens in (its quotas apply). Default: the one tenant of a server without a tenants file.</summary>
    public Tenant Owner { get; init; } = Tenant.Open;

    /// <summary>Rate quotas (media bytes per second) and the tenant's standing-question limit; null: none but the server's MaxStandingQuestions.</summary>
    public QuotaBook? Quotas { get; init; }

    /// <summary>The most standing questions per stream, and whose limit it is (the tenant's when lower than the server's; null: the server's).</summary>
    private (int Max, string? Tenant) StandingLimit() =>
        Quotas?.StandingQuestionLimit(Owner.Name, options.MaxStandingQuestions) ?? (options.MaxStandingQuestions, null);

    /// <summary>StreamOpen's standing questions within the tenant's max_standing_questions (the server's limit is the validator's).</summary>
    private Status CheckOpenQuotas(StreamOpen open)
    {
        var (max, tenant) = StandingLimit();
        return tenant is not null && open.StandingQuestions.Count > max
            ? QuotaRefusal.Of("StreamOpen.standing_questions", QuotaNames.MaxStandingQuestions, tenant, $"{open.StandingQuestions.Count} asked, the tenant's limit is {max} per stream", null)
            : Status.DefaultSuccess;
    }

    private Status StandingLimitReached(LiveStream stream, string field)
    {
        var (max, tenant) = StandingLimit();
        stream.Counters.AddStandingQuestionRefused();
        var whose = tenant is null ? "the server's limit (LiveAnalytics:MaxStandingQuestions)" : "the tenant's limit";
        return QuotaRefusal.Of(field, QuotaNames.MaxStandingQuestions, tenant, $"the stream already has {max} standing questions, {whose}", null);
    }

    /// <summary>Charges a media message to the tenant's and the server's media_bytes_per_second; a refusal ends the call.</summary>
    private Status ChargeMedia(LiveStream stream, int bytes, string field)
    {
        var status = Quotas?.TryMedia(Owner.Name, bytes, field) ?? Status.DefaultSuccess;
        if (!status.IsOk())
        {
            stream.Counters.AddMediaRefused();
        }

        return status;
    }
}
