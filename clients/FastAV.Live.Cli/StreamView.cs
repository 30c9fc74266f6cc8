using FastAV.Live.Client;
using FastAV.Live.Contracts.V1;

namespace FastAV.Live.Cli;

/// <summary>What the live display shows of a stream: the latest stats, the latest answer per question, recent warnings. Thread-safe.</summary>
public sealed class StreamView(StreamAccepted accepted, MediaSender sender)
{
    private const int WarningsShown = 3;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Answer> _answers = [];
    private readonly Queue<Warning> _warnings = new();
    private readonly DateTime _started = DateTime.UtcNow;
    private StreamStats _stats = new();
    private long _warningCount;

    public StreamAccepted Accepted { get; } = accepted;

    public MediaSender Sender { get; } = sender;

    public TimeSpan Elapsed => DateTime.UtcNow - _started;

    public void Add(StreamResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        lock (_lock)
        {
            switch (response.KindCase)
            {
                case StreamResponse.KindOneofCase.Stats:
                    _stats = response.Stats;
                    break;
                case StreamResponse.KindOneofCase.Answer:
                    _answers[response.Answer.QuestionId] = response.Answer;
                    break;
                case StreamResponse.KindOneofCase.Warning:
                    _warningCount++;
                    _warnings.Enqueue(response.Warning);
                    while (_warnings.Count > WarningsShown)
                    {
                        _warnings.Dequeue();
                    }

                    break;
            }
        }
    }

    public (StreamStats Stats, Answer[] Answers, Warning[] Warnings, long WarningCount) Snapshot()
    {
        lock (_lock)
        {
            return (_stats, _answers.Values.OrderBy(a => a.QuestionId, StringComparer.Ordinal).ToArray(), _warnings.ToArray(), _warningCount);
        }
    }
}
