using FastAV.Live.Contracts.V1;

namespace FastAV.Live.Server.Streams;

/// <summary>
/// What <see cref="MediaValidator"/> decided about one media message: accepted (with its pts on the stream's timeline,
/// and the jump when it is a pts discontinuity), or the reason it was rejected.
/// </summary>
public readonly record struct MediaVerdict(WarningCode Code, string Message)
{
    public static readonly MediaVerdict Accepted = new(WarningCode.Unspecified, "");

    public bool IsAccepted => Code == WarningCode.Unspecified;

    /// <summary>The message's pts on the stream's timeline (its own pts until its track's first discontinuity).</summary>
    public long TimelinePtsUs { get; init; }

    /// <summary>How far the track's clock jumped at this message (positive forward, negative back); 0 when it did not.</summary>
    public long JumpUs { get; init; }

    /// <summary>The shift from the client's pts to the timeline after this message.</summary>
    public long ShiftUs { get; init; }

    public static MediaVerdict Reject(WarningCode code, string message) => new(code, message);
}
