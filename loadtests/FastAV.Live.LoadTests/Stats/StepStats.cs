namespace FastAV.Live.LoadTests.Stats;

/// <summary>A step's requests, ok and fail apart.</summary>
public sealed record StepStats(string StepName, MeasurementStats Ok, MeasurementStats Fail, int SortIndex)
{
    public long AllRequestCount => Ok.Request.Count + Fail.Request.Count;
}
