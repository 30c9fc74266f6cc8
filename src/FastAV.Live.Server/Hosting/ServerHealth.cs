using Grpc.HealthCheck;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace FastAV.Live.Server.Hosting;

/// <summary>
/// What grpc.health.v1 reports, over the package's <see cref="HealthServiceImpl"/>: the empty name (the whole
/// server) and each served service are SERVING until <see cref="StopServing"/> turns every one NOT_SERVING (Watch
/// calls see the change at once).
/// </summary>
public sealed class ServerHealth
{
    private readonly Lock _gate = new();
    private readonly List<string> _services = [""];

    public ServerHealth(HealthServiceImpl health)
    {
        ArgumentNullException.ThrowIfNull(health);
        Service = health;
        Service.SetStatus("", ServingStatus.Serving);
    }

    public HealthServiceImpl Service { get; }

    /// <summary>False from the first moment of draining (<see cref="StopServing"/>): /readyz reads it too.</summary>
    public bool IsServing { get; private set; } = true;

    public void Serve(string service)
    {
        lock (_gate)
        {
            if (!_services.Contains(service))
            {
                _services.Add(service);
            }

            Service.SetStatus(service, ServingStatus.Serving);
        }
    }

    public void StopServing()
    {
        lock (_gate)
        {
            IsServing = false;
            foreach (var service in _services)
            {
                Service.SetStatus(service, ServingStatus.NotServing);
            }
        }
    }
}
