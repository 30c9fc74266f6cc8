namespace FastAV.Live.LoadTests.Stats;

/// <summary>Requests of one kind (ok or fail): how many, per second over the measured duration, and their share of all requests in percent.</summary>
public sealed record RequestStats(long Count, double RPS, double Percent);
