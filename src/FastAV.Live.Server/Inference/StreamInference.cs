using FastAV.Live.Media;
using Contract = FastAV.Live.Contracts.V1;

namespace FastAV.Live.Server.Inference;

/// <summary>
/// The model side of one Stream call: its media path (decode, sample, cut into windows, featurise) and its handle on
/// the engine. Driven by the call's reader in message order; answers and engine warnings arrive on the sinks.
/// </summary>
public sealed class StreamInference : IDisposable
{
    private readonly StreamMedia _media;
    private readonly WindowPreparer _preparer;
    private readonly EngineLoop _loop;
    private readonly TimeProvider _time;

    /// <param name="engineId">The stream's name in the engine, unique across tenants (StreamKey.QualifiedId); default: the stream id.</param>
    public StreamInference(ModelHost host, Contract.StreamOpen open, StreamPlan plan, IStreamSink sink, TimeProvider time, string? engineId = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(open);
        var model = host.Model ?? throw new InvalidOperationException("no model loaded");
        _loop = host.Loop!;
        _time = time;
        _preparer = new WindowPreparer(host.Featurizer!, model.ImageSize);
        _media = new StreamMedia(open.Video, open.Audio, model.Manifest.WindowSeconds, model.FramesPerWindow);
        Engine = _loop.Open(engineId ?? open.StreamId, plan, sink, open.StandingQuestions);
    }

    public EngineStream Engine { get; }

    /// <summary>Decodes a checked video frame; false when the decoder found it corrupt. Returns windows dropped to keep up.</summary>
    public int AddVideo(Contract.VideoFrame frame, out bool corrupt) => Post(_media.AddVideo(frame, out corrupt));

    public int AddAudio(Contract.AudioChunk chunk, out bool corrupt) => Post(_media.AddAudio(chunk, out corrupt));

    /// <summary>Asks over every window the media sent so far has reached (the question is a barrier).</summary>
    public int Ask(Contract.Question question, int maxTokens, IQuestionSink sink)
    {
        ArgumentNullException.ThrowIfNull(question);
        var dropped = Post(_media.CloseReached());
        _loop.Ask(Engine, question.QuestionId, question.Text, maxTokens, sink);
        return dropped;
    }

    /// <summary>The client finished sending: the last (possibly partial) windows go in, then waits until every window is prefilled and every question answered.</summary>
    public Task DrainAsync(CancellationToken cancellationToken)
    {
        Post(_media.Flush());
        return Engine.WhenIdleAsync(cancellationToken);
    }

    public void Dispose()
    {
        Engine.Close();
        _media.Dispose();
    }

    private int Post(IReadOnlyList<MediaWindow> windows)
    {
        var dropped = 0;
        foreach (var window in windows)
        {
            dropped += Engine.PostWindow(_preparer.Prepare(window, _time.GetTimestamp()));
        }

        return dropped;
    }
}
