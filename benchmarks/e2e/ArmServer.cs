using FastAV.Live.LoadTests.Capacity;
using FastAV.Live.LoadTests.Scenarios;
using FastAV.Live.LoadTests.Streaming;

namespace FastAV.Live.Benchmarks.E2e;

/// <summary>One `fastav serve` of the run (a model, an engine-step mode) with the client pool its arms' cameras use.</summary>
internal sealed record ArmServer(string Model, bool Batched, LocalServer Server, Fleet Fleet, double WindowSeconds)
{
    public string Engine => Batched ? "batched" : "one-by-one";
}

/// <summary>What the latency probe measured for one arm: one stream alone, slower than real time, 1-token answers every window.</summary>
internal sealed record ProbeResult(CapacityArm Arm, double ServerP50Ms, double ServerP95Ms, double ClientP50Ms, long Answers, long AnswersExpected, long WindowsPrefilled, double KvBytesPerStream, double FlopsPerMediaSecond, long WindowsDropped, double CpuPerMediaSecond)
{
    /// <summary>Every window prefilled and answered, none dropped: the engine kept up, so its figures are of the same windows as the other arms'.</summary>
    public bool Complete => WindowsDropped == 0 && AnswersExpected > 0 && Answers >= AnswersExpected;
}

/// <summary>What the e2e adds to a level of the search: the machine's load while it ran, and figures of the level's streams.</summary>
internal sealed record LevelDetail(CapacityArm Arm, double LoadMean, double LoadMax, double ServerP95Ms, double KvBytesPerStream, double FlopsPerMediaSecond, long ServerRssMaxBytes, double CpuPerStreamSecond);
