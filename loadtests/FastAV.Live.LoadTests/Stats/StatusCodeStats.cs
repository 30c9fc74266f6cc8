namespace FastAV.Live.LoadTests.Stats;

/// <summary>One status code's count; Percent is its share of all requests of the step or scenario.</summary>
public sealed record StatusCodeStats(string StatusCode, bool IsError, string Message, long Count, double Percent);
