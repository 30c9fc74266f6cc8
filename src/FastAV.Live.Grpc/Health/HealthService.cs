using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Health.V1;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace FastAV.Live.Grpc.Health;

/// <summary>
/// grpc.health.v1.Health: Check answers a service's current status (NOT_FOUND for one never registered),
/// Watch streams it now and on every change (SERVICE_UNKNOWN for an unknown one, as the protocol says).
/// The empty service name "" is the whole server. Draining sets everything NOT_SERVING.
/// </summary>
public sealed class HealthService : IGrpcService
{
    private static readonly Method<HealthCheckRequest, HealthCheckResponse> CheckMethod =
        ProtoMethod.Create<HealthCheckRequest, HealthCheckResponse>(HealthReflection.Descriptor.Services[0], "Check");

    private static readonly Method<HealthCheckRequest, HealthCheckResponse> WatchMethod =
        ProtoMethod.Create<HealthCheckRequest, HealthCheckResponse>(HealthReflection.Descriptor.Services[0], "Watch");

    private readonly ConcurrentDictionary<string, ServingStatus> _statuses = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Channel<ServingStatus>, string> _watchers = new();

    public HealthService() => _statuses[""] = ServingStatus.Serving;

    /// <summary>The status of a service, or SERVICE_UNKNOWN.</summary>
    public ServingStatus GetStatus(string service) => _statuses.TryGetValue(service, out var s) ? s : ServingStatus.ServiceUnknown;

    public void SetStatus(string service, ServingStatus status)
    {
        _statuses[service] = status;
        foreach (var (channel, watched) in _watchers)
        {
            if (watched == service)
            {
                channel.Writer.TryWrite(status);
            }
        }
    }

    /// <summary>Every known service (and the server) becomes NOT_SERVING: used when draining.</summary>
    public void SetAllNotServing()
    {
        foreach (var service in _statuses.Keys)
        {
            SetStatus(service, ServingStatus.NotServing);
        }
    }

    public ServerServiceDefinition BindService() =>
        ServerServiceDefinition.CreateBuilder()
            .AddMethod(CheckMethod, Check)
            .AddMethod(WatchMethod, WatchAsync)
            .Build();

    private Task<HealthCheckResponse> Check(HealthCheckRequest request, ServerCallContext context)
    {
        if (!_statuses.TryGetValue(request.Service, out var status))
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"Unknown service '{request.Service}'."));
        }

        return Task.FromResult(new HealthCheckResponse { Status = status });
    }

    private async Task WatchAsync(HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> responses, ServerCallContext context)
    {
        // Latest status wins: a slow watcher sees the newest state, never a backlog.
        var channel = Channel.CreateBounded<ServingStatus>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });
        _watchers[channel] = request.Service;
        try
        {
            var last = GetStatus(request.Service);
            await responses.WriteAsync(new HealthCheckResponse { Status = last }, context.CancellationToken);
            await foreach (var status in channel.Reader.ReadAllAsync(context.CancellationToken))
            {
                if (status != last)
                {
                    last = status;
                    await responses.WriteAsync(new HealthCheckResponse { Status = status }, context.CancellationToken);
                }
            }
        }
        finally
        {
            _watchers.TryRemove(channel, out _);
        }
    }
}
