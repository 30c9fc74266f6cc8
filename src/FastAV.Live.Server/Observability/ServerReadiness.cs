using FastAV.Live.Server.Hosting;

namespace FastAV.Live.Server.Observability;

/// <summary>
/// What /readyz reports. Ready once the host has started — the model is loaded before any listener opens (ModelHost
/// loads while the host is built), so until then a probe finds no port — and not draining: the first moment of a
/// drain (<see cref="ServerHealth.StopServing"/>) turns it false, together with gRPC health.
/// </summary>
public sealed class ServerReadiness(ServerHealth health, IHostApplicationLifetime lifetime)
{
    /// <summary>"ready", or why not: "starting", "draining".</summary>
    public string State => !lifetime.ApplicationStarted.IsCancellationRequested ? "starting" : !health.IsServing ? "draining" : "ready";

    public bool IsReady => State == "ready";
}
