using FastAV.Live.Media;
using Contract = FastAV.Live.Contracts.V1;

namespace FastAV.Live.Server.Inference;

/// <summary>
/// The model side of one Stream call: its media path (decode, sample, cut into windows, featurise) and its handle on
/// the engine. Driven by the call's reader in message order; answers and engine warnings arrive on the sinks.
/// Each window carries the moment its media was complete (the message that took the last of its tracks past its end, or
/// the moment the server stopped waiting for a lagging one), so a standing answer's latency is end to end.
/// </summary>
public sealed class StreamInference : IDisposable
{
    private readonly StreamMedia _media;
    private readonly WindowPreparer _preparer;
    private readonly EngineLoop _loop;
    private readonly TimeProvider _time;
    private readonly Queue<(long ReachedUs, long Timestamp)> _reached = new();
    private long _lastReachedUs = long.MinValue;

    public StreamInference(ModelHost host, Contract.StreamOpen open, StreamPlan plan, IStreamSink sink, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(open);
        var model = host.Model ?? throw new InvalidOperationException("no model loaded");
        _loop = host.Loop!;
        _time = time;
        _preparer = new WindowPreparer(host.Featurizer!, model.ImageSize);
        _media = new StreamMedia(open.Video, open.Audio, model.Manifest.WindowSeconds, model.FramesPerWindow, host.Options.WindowLatenessSeconds, host.Featurizer!.Fit);
        Engine = _loop.Open(open.StreamId, plan, sink, open.StandingQuestions);
    }

    public EngineStream Engine { get; }

    /// <summary>Decodes a checked video frame placed at <paramref name="ptsUs"/> on the stream's timeline. Returns windows dropped to keep up.</summary>
    public int AddVideo(Contract.VideoFrame frame, long ptsUs, out bool corrupt)
    {
        var windows = _media.AddVideo(frame, ptsUs, out corrupt);
        return Post(windows);
    }

    public int AddAudio(Contract.AudioChunk chunk, long ptsUs, out bool corrupt)
    {
        var windows = _media.AddAudio(chunk, ptsUs, out corrupt);
        return Post(windows);
    }

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
        var now = _time.GetTimestamp();
        var reached = _media.ReachedUs;
        if (reached > _lastReachedUs)
        {
            _reached.Enqueue((reached, now));
            _lastReachedUs = reached;
        }

        var dropped = 0;
        foreach (var window in windows)
        {
            dropped += Engine.PostWindow(_preparer.Prepare(window, CompletedAt(window.EndPtsMicroseconds, now)));
        }

        return dropped;
    }

    // When every track first had media past the window's end (earlier marks cannot serve later windows either); now when
    // the window goes without that (a track lagged past the lateness tolerance, a question's barrier, the stream's end).
    private long CompletedAt(long endUs, long now)
    {
        while (_reached.TryPeek(out var mark) && mark.ReachedUs < endUs) _reached.Dequeue();
        return _reached.TryPeek(out var reached) ? reached.Timestamp : now;
    }
}
