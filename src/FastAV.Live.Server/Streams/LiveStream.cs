using FastAV.Live.Contracts.V1;

namespace FastAV.Live.Server.Streams;

/// <summary>A live stream as the registry holds it: what it was opened with, its counters and standing questions.</summary>
public sealed class LiveStream
{
    private readonly List<StandingQuestion> _standing;
    private readonly Lock _standingGate = new();

    public LiveStream(StreamOpen open, StreamSettings settings, string peer, DateTimeOffset openedAt, long openedTimestamp, string tenant = Tenants.Tenant.DefaultName)
    {
        ArgumentNullException.ThrowIfNull(open);
        Id = open.StreamId;
        Tenant = tenant;
        Open = open.Clone();
        Settings = settings;
        Peer = peer;
        OpenedAt = openedAt;
        OpenedTimestamp = openedTimestamp;
        _standing = open.StandingQuestions.Select(q => q.Clone()).ToList();
    }

    public string Id { get; }

    /// <summary>The tenant that opened the stream: only its callers (and admins) see it.</summary>
    public string Tenant { get; }

    /// <summary>The registry's key: tenant and id.</summary>
    public StreamKey Key => new(Tenant, Id);

    /// <summary>The StreamOpen as received (a copy; never changed).</summary>
    public StreamOpen Open { get; }

    public StreamSettings Settings { get; }

    public string Peer { get; }

    public DateTimeOffset OpenedAt { get; }

    /// <summary><see cref="TimeProvider.GetTimestamp"/> at open, for uptime.</summary>
    public long OpenedTimestamp { get; }

    public StreamCounters Counters { get; } = new();

    /// <summary>The model answering this stream ("" when none is loaded).</summary>
    public string Model { get; set; } = "";

    /// <summary>What the stream's model knows (fastav.json "domain", its frame size and audio rate); null without a model.</summary>
    public ModelDomain? ModelDomain { get; set; }

    /// <summary>Frames the model samples per window (for frames_dropped); 0 without a model.</summary>
    public int FramesPerWindow { get; set; }

    /// <summary>The stream's handle on the engine, once registered; null without a model.</summary>
    public Inference.EngineStream? Engine { get; set; }

    public int StandingQuestionCount
    {
        get
        {
            lock (_standingGate)
            {
                return _standing.Count;
            }
        }
    }

    public IReadOnlyList<StandingQuestion> StandingQuestions()
    {
        lock (_standingGate)
        {
            return _standing.Select(q => q.Clone()).ToArray();
        }
    }

    /// <summary>False (and nothing added) when the id is already standing or <paramref name="max"/> are standing.</summary>
    public StandingQuestionChange TryAddStandingQuestion(StandingQuestion question, int max)
    {
        ArgumentNullException.ThrowIfNull(question);
        lock (_standingGate)
        {
            if (_standing.Exists(q => q.QuestionId == question.QuestionId))
            {
                return StandingQuestionChange.DuplicateId;
            }

            if (_standing.Count >= max)
            {
                return StandingQuestionChange.LimitReached;
            }

            _standing.Add(question.Clone());
            return StandingQuestionChange.Done;
        }
    }

    public StandingQuestionChange TryRemoveStandingQuestion(string questionId)
    {
        lock (_standingGate)
        {
            return _standing.RemoveAll(q => q.QuestionId == questionId) > 0 ? StandingQuestionChange.Done : StandingQuestionChange.UnknownId;
        }
    }
}
