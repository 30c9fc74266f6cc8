using FastAV.Live.Contracts.V1;

namespace FastAV.Live.Server.Streams;

/// <summary>What <see cref="MediaValidator"/> decided about one media message: accepted, or the reason it was rejected.</summary>
public readonly record struct MediaVerdict(WarningCode Code, string Message)
{
    public static readonly MediaVerdict Accepted = new(WarningCode.Unspecified, "");

    public bool IsAccepted => Code == WarningCode.Unspecified;

    public static MediaVerdict Reject(WarningCode code, string message) => new(code, message);
}
