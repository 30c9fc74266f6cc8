namespace FastAV.Live.Engine.Scheduling;

public enum QuestionState
{
    Waiting,
    Decoding,
    Done,
}
