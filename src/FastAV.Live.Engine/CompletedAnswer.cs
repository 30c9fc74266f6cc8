using FastAV.Live.Engine.Running;

namespace FastAV.Live.Engine;

public sealed record CompletedAnswer(string QuestionId, string StreamId, AnswerResult Result);
