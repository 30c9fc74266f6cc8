using System.Diagnostics;
using FastAV.Live.Server.Streams;

namespace FastAV.Live.Server.Observability;

/// <summary>
/// What the dashboard shows of one live stream beyond its counters: the latest answers, KV memory over time and the
/// tokens pruning kept, plus the trace context of its Stream call (window and answer spans are its children). Written
/// by the engine thread, read by dashboard requests.
/// </summary>
public sealed class StreamObservation(LiveStream stream, ActivityContext trace, int answerCapacity, int sampleCapacity)
{
    private readonly Lock _gate = new();
    private readonly Queue<AnswerRecord> _answers = new();
    private readonly Queue<KvSample> _samples = new();
    private long _kvBytes;
    private long _kvBudgetBytes;
    private double _tokensKept;
    private double _tokensIn;

    public LiveStream Stream { get; } = stream;

    public ActivityContext Trace { get; } = trace;

    public long KvBytes => Interlocked.Read(ref _kvBytes);

    /// <summary>The cache's budget over all layers, bytes (0 until the first window).</summary>
    public long KvBudgetBytes => Interlocked.Read(ref _kvBudgetBytes);

    /// <summary>Tokens kept ÷ tokens in, over every window of the stream (1 before any).</summary>
    public double TokensKeptRatio
    {
        get
        {
            lock (_gate)
            {
                return _tokensIn == 0 ? 1 : _tokensKept / _tokensIn;
            }
        }
    }

    public void WindowPrefilled(long atUnixMs, long kvBytes, long kvBudgetBytes, double tokensKept, double tokensIn)
    {
        Interlocked.Exchange(ref _kvBytes, kvBytes);
        Interlocked.Exchange(ref _kvBudgetBytes, kvBudgetBytes);
        lock (_gate)
        {
            _tokensKept += tokensKept;
            _tokensIn += tokensIn;
            Add(_samples, new KvSample(atUnixMs, kvBytes, tokensIn == 0 ? 1 : tokensKept / tokensIn), sampleCapacity);
        }
    }

    public void Answered(AnswerRecord answer)
    {
        lock (_gate)
        {
            Add(_answers, answer, answerCapacity);
        }
    }

    /// <summary>Newest first.</summary>
    public IReadOnlyList<AnswerRecord> Answers()
    {
        lock (_gate)
        {
            return _answers.Reverse().ToArray();
        }
    }

    /// <summary>Oldest first.</summary>
    public IReadOnlyList<KvSample> Samples()
    {
        lock (_gate)
        {
            return _samples.ToArray();
        }
    }

    private static void Add<T>(Queue<T> queue, T item, int capacity)
    {
        queue.Enqueue(item);
        while (queue.Count > capacity)
        {
            queue.Dequeue();
        }
    }
}
