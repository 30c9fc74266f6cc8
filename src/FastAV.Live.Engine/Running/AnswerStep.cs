namespace FastAV.Live.Engine.Running;

/// <summary>One token of work for an answer in a batched step: its question's prefill (nothing fed yet) or one decode step.</summary>
public sealed record AnswerStep(ModelRunner Runner, AnswerInProgress Answer);
