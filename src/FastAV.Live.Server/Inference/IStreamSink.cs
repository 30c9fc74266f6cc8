using FastAV.Live.Contracts.V1;

namespace FastAV.Live.Server.Inference;

/// <summary>Where a stream's engine-side events go (standing answers, drops, failures). Called on the engine thread: must not block.</summary>
public interface IStreamSink
{
    /// <summary>A standing question's answer (already filtered by only_on_change).</summary>
    void StandingAnswer(Answer answer);

    void Warning(WarningCode code, string message, long ptsUs);

    /// <summary>The engine failed this stream's work (a window, a standing question): the stream must end with <paramref name="status"/>.</summary>
    void Failed(Grpc.Core.Status status);
}
