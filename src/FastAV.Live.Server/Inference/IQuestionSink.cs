using FastAV.Live.Contracts.V1;
using Grpc.Core;

namespace FastAV.Live.Server.Inference;

/// <summary>Where one question's answer goes. Called on the engine thread: implementations must not block.</summary>
public interface IQuestionSink
{
    /// <summary>The answer grew: its whole text so far, its token count and its confidence so far (Answer.confidence's definition).</summary>
    void Progress(string textSoFar, int tokenCount, float confidence);

    void Completed(Answer answer);

    /// <summary>The question cannot be answered (stream ended, cancelled, engine failure).</summary>
    void Failed(Status status);
}
