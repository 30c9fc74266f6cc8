using FastAV.Live.Contracts.V1;

namespace FastAV.Live.Server.Streams;

/// <summary>A live stream as the registry holds it: what it was opened with, its counters and standing questions.</summary>
public sealed class LiveStream
{
    private readonly List<StandingQuestion> _standing;
    private readonly Lock _standingGate = new();
    private readonly Lock _lifecycle = new();
    private bool _detached;
    private bool _ended;
    private int _generation;

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

    /// <summary>The stream's model side (media path and engine handle); null without a model. Owned by the stream, not its call, so it outlives a detach.</summary>
    public Inference.StreamInference? Inference { get; set; }

    /// <summary>The stream's media checks (pts order per track); kept across a resume so the timeline goes on.</summary>
    public MediaValidator? Media { get; set; }

    /// <summary>Where the engine's answers and warnings go: the attached call, or a bounded buffer while detached.</summary>
    public ResponseRoute? Route { get; set; }

    /// <summary>The token StreamAccepted gave for resuming; empty when the server keeps no detached streams.</summary>
    public string ResumeToken { get; set; } = "";

    /// <summary>Live (a call is attached) or detached (awaiting a resume).</summary>
    public StreamState State
    {
        get
        {
            lock (_lifecycle)
            {
                return _detached ? StreamState.Detached : StreamState.Live;
            }
        }
    }

    /// <summary>Marks the stream detached; returns the detach's generation (a later detach has a larger one).</summary>
    public int BeginDetach()
    {
        lock (_lifecycle)
        {
            _detached = true;
            return ++_generation;
        }
    }

    /// <summary>Reattaches when the stream is detached and <paramref name="token"/> is its resume token (compared in constant time).</summary>
    public bool TryResume(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        lock (_lifecycle)
        {
            if (!_detached || _ended || ResumeToken.Length == 0) return false;
            var expected = System.Text.Encoding.ASCII.GetBytes(ResumeToken);
            var given = System.Text.Encoding.ASCII.GetBytes(token);
            if (!System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(expected, given)) return false;
            _detached = false;
            return true;
        }
    }

    /// <summary>Ends a detached stream for good when it is still in the detach of <paramref name="generation"/> (0 = any); false when it was resumed or already ended.</summary>
    public bool TryEnd(int generation)
    {
        lock (_lifecycle)
        {
            if (!_detached || _ended || (generation != 0 && generation != _generation)) return false;
            _ended = true;
            return true;
        }
    }

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
