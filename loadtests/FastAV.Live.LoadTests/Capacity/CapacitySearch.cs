namespace FastAV.Live.LoadTests.Capacity;

/// <summary>
/// The capacity search of the codebase (benchmarks and the capacity scenario call it): for each arm, the largest
/// fleet that holds the criterion — p95 standing-answer latency under the limit, no window dropped, answers
/// received, no stream failed. Sizes double from the start until a level fails, then the gap between the largest
/// holding and the smallest failing size is bisected. Arms alternate level by level in one run, so drift of a
/// shared machine hits them alike. The level runner is the caller's (it knows the servers and the media).
/// </summary>
public static class CapacitySearch
{
    public static async Task<CapacityResult> RunAsync(
        IReadOnlyList<CapacityArm> arms,
        Func<CapacityArm, int, CancellationToken, Task<LevelMeasurement>> runLevel,
        CapacityOptions options,
        Action<CapacityLevel>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(arms);
        ArgumentNullException.ThrowIfNull(runLevel);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (arms.Count == 0) throw new ArgumentException("at least one arm", nameof(arms));
        if (arms.Any(a => a.StartStreams < 0 || a.StartStreams > options.MaxStreams)) throw new ArgumentException($"an arm's StartStreams must be in [0, {options.MaxStreams}]", nameof(arms));
        var state = arms.Select(a => new ArmState(a, a.StartStreams > 0 ? a.StartStreams : options.StartStreams)).ToList();
        var levels = new List<CapacityLevel>();
        string? error = null;
        try
        {
            while (state.Any(s => !s.Done))
            {
                foreach (var s in state.Where(s => !s.Done))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var n = s.Next;
                    var m = await runLevel(s.Arm, n, cancellationToken).ConfigureAwait(false);
                    var why = Why(m, options.LimitMs);
                    var level = new CapacityLevel(levels.Count + 1, s.Arm.Model, s.Arm.PolicyName, n, why.Length == 0, m.P50Ms, m.P95Ms, m.Answers, m.WindowsPrefilled, m.WindowsDropped, m.Missing, m.StreamsFailed, m.FlopsRatio, why);
                    levels.Add(level);
                    progress?.Invoke(level);
                    s.Record(n, m, level.Passed, options);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            error = "cancelled";
        }

        var rows = state.Select(s => new CapacityRow(s.Arm.Model, s.Arm.PolicyName, s.Holding, s.Best?.FlopsRatio ?? double.NaN, s.Best?.P95Ms ?? double.NaN)).ToList();
        var notes = state.Where(s => s.Holding >= options.MaxStreams).Select(s => $"{s.Arm} held at --max-streams ({options.MaxStreams}): its capacity is at least that").ToList();
        return new CapacityResult(options.LimitMs, options.LevelDuration, rows, levels, notes, error);
    }

    /// <summary>Empty when the level holds the criterion, else why not.</summary>
    public static string Why(LevelMeasurement m, double limitMs)
    {
        ArgumentNullException.ThrowIfNull(m);
        var why = new List<string>();
        if (m.Answers == 0) why.Add("no answer");
        else if (!(m.P95Ms < limitMs)) why.Add($"p95 {m.P95Ms:0} ms ≥ {limitMs:0} ms");
        if (m.WindowsDropped > 0) why.Add($"{m.WindowsDropped} windows dropped");
        if (m.StreamsFailed > 0) why.Add($"{m.StreamsFailed} streams failed");
        return string.Join("; ", why);
    }

    private sealed class ArmState(CapacityArm arm, int start)
    {
        public CapacityArm Arm { get; } = arm;

        public int Next { get; private set; } = start;

        public int Holding { get; private set; }

        public int? Failing { get; private set; }

        public LevelMeasurement? Best { get; private set; }

        public bool Done { get; private set; }

        public void Record(int n, LevelMeasurement m, bool passed, CapacityOptions o)
        {
            if (passed && n > Holding)
            {
                Holding = n;
                Best = m;
            }
            else if (!passed && (Failing is null || n < Failing))
            {
                Failing = n;
            }

            if (Failing is null)
            {
                if (Holding >= o.MaxStreams) Done = true;
                else Next = Math.Min(o.MaxStreams, Holding * 2);
                return;
            }

            var gap = Failing.Value - Holding;
            if (gap <= Math.Max(1, (int)Math.Floor(Holding * o.Resolution))) Done = true;
            else Next = Holding + (gap / 2);
        }
    }
}
