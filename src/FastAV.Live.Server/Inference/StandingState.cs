using Contract = FastAV.Live.Contracts.V1;

namespace FastAV.Live.Server.Inference;

/// <summary>A standing question on the engine thread: what the client registered and the last answer it was sent.</summary>
internal sealed class StandingState(Contract.StandingQuestion question)
{
    public Contract.StandingQuestion Question { get; } = question;

    public string? LastText { get; set; }
}
