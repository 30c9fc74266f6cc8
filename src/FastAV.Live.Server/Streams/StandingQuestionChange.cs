namespace FastAV.Live.Server.Streams;

/// <summary>Outcome of adding or removing a standing question.</summary>
public enum StandingQuestionChange
{
    Done,
    DuplicateId,
    LimitReached,
    UnknownId,
}
