namespace FastAV.Live.Grpc.Client;

/// <summary>The request side of a client- or bidi-streaming call.</summary>
internal sealed class ClientRequestStream<TRequest, TResponse>(GrpcCall<TRequest, TResponse> call) : IClientStreamWriter<TRequest>
{
    public WriteOptions? WriteOptions { get; set; }

    public Task WriteAsync(TRequest message, CancellationToken cancellationToken = default) =>
        call.WriteRequestAsync(message, WriteOptions, cancellationToken);

    public Task CompleteAsync() => call.CompleteRequestAsync();
}
