using FastAV.Live.Engine.Cache;
using FastAV.Live.Engine.Running;
using FastAV.Live.Engine.Sessions;
using Contract = FastAV.Live.Contracts.V1;

namespace FastAV.Live.Server.Inference;

/// <summary>
/// How the engine runs one stream: its pruning (a runner over the shared model), cache and window geometry, and the KV
/// settings as the engine applies them (the budget the model allows, the sinks and recent rows it keeps), for
/// StreamAccepted and StreamInfo.
/// </summary>
public sealed record StreamPlan(
    ModelRunner Runner,
    RollingKvCacheOptions Cache,
    IEvictionPolicy Eviction,
    StreamSessionOptions Session,
    Contract.PruningPolicy Policy,
    int QuestionReserve)
{
    public Contract.KvCacheConfig? EffectiveKvCache { get; init; }
}
