namespace FastAV.Live.Grpc;

/// <summary>A service the host serves: registered in DI, bound once at start-up.</summary>
public interface IGrpcService
{
    ServerServiceDefinition BindService();
}
