using Contract = FastAV.Live.Contracts.V1;

namespace FastAV.Live.LoadTests.Capacity;

/// <summary>
/// One configuration whose capacity is searched: a model (as the rows name it) and a pruning policy, on a target the
/// level runner knows (two servers can be two arms); <paramref name="StartStreams"/> is its first level (0 = the
/// search's), so a large model and a small one can share a run.
/// </summary>
public sealed record CapacityArm(string Model, Contract.PruningPolicy Policy, string Target = "", int StartStreams = 0)
{
    public string PolicyName => Policy == Contract.PruningPolicy.None ? "unpruned" : StatusCodes.UpperSnake(Policy.ToString()).ToLowerInvariant();

    public override string ToString() => Target.Length == 0 ? $"{Model} {PolicyName}" : $"{Model} {PolicyName} @ {Target}";
}
