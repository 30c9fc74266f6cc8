namespace FastAV.Live.Grpc.Server;

/// <summary>The response messages of a server- or bidi-streaming call.</summary>
internal sealed class ServerResponseStream<T>(ServerCall call, Marshaller<T> marshaller) : IServerStreamWriter<T>
{
    public WriteOptions? WriteOptions
    {
        get => call.Context.WriteOptions;
        set => call.Context.WriteOptions = value;
    }

    public Task WriteAsync(T message, CancellationToken cancellationToken = default) =>
        call.WriteMessageAsync(message, marshaller, cancellationToken);
}
