namespace FastAV.Live.Grpc.Client;

/// <summary>What every call handle exposes, whatever its kind.</summary>
internal interface IClientCall : IDisposable
{
    Task<Metadata> ResponseHeadersAsync { get; }

    Status GetStatus();

    Metadata GetTrailers();
}
