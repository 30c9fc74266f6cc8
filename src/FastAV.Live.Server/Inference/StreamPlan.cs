using FastAV.Live.Engine.Cache;
using FastAV.Live.Engine.Running;
using FastAV.Live.Engine.Sessions;
using Contract = FastAV.Live.Contracts.V1;

namespace FastAV.Live.Server.Inference;

/// <summary>How the engine runs one stream: its pruning (a runner over the shared model), cache and window geometry.</summary>
public sealed record StreamPlan(
    ModelRunner Runner,
    RollingKvCacheOptions Cache,
    IEvictionPolicy Eviction,
    StreamSessionOptions Session,
    Contract.PruningPolicy Policy,
    int QuestionReserve);
