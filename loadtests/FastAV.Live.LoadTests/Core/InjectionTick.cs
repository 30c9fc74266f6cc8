namespace FastAV.Live.LoadTests;

/// <summary>One injection interval of the open model: <paramref name="Count"/> copies, the first at <paramref name="At"/>, spread evenly over <paramref name="Interval"/>.</summary>
public sealed record InjectionTick(TimeSpan At, int Count, TimeSpan Interval, int SegmentIndex)
{
    /// <summary>When the i-th copy of this interval is due.</summary>
    public TimeSpan ArrivalAt(int i) => At + (Interval * i / Count);
}
