namespace FastAV.Live.Grpc.Server;

/// <summary>Runs one kind of method over a <see cref="ServerCall"/>.</summary>
internal abstract class ServerMethodHandler(string fullName, MethodType type)
{
    public string FullName { get; } = fullName;

    public MethodType Type { get; } = type;

    public abstract Task HandleAsync(ServerCall call);
}

internal sealed class UnaryMethodHandler<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse> handler)
    : ServerMethodHandler(method.FullName, method.Type)
{
    public override async Task HandleAsync(ServerCall call)
    {
        var request = await call.ReadSingleMessageAsync(method.RequestMarshaller).ConfigureAwait(false);
        var response = await handler(request, call.Context).ConfigureAwait(false);
        await call.WriteMessageAsync(response, method.ResponseMarshaller, CancellationToken.None).ConfigureAwait(false);
    }
}

internal sealed class ClientStreamingMethodHandler<TRequest, TResponse>(
    Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse> handler)
    : ServerMethodHandler(method.FullName, method.Type)
{
    public override async Task HandleAsync(ServerCall call)
    {
        var response = await handler(new ServerRequestStream<TRequest>(call, method.RequestMarshaller), call.Context).ConfigureAwait(false);
        await call.WriteMessageAsync(response, method.ResponseMarshaller, CancellationToken.None).ConfigureAwait(false);
    }
}

internal sealed class ServerStreamingMethodHandler<TRequest, TResponse>(
    Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse> handler)
    : ServerMethodHandler(method.FullName, method.Type)
{
    public override async Task HandleAsync(ServerCall call)
    {
        var request = await call.ReadSingleMessageAsync(method.RequestMarshaller).ConfigureAwait(false);
        await handler(request, new ServerResponseStream<TResponse>(call, method.ResponseMarshaller), call.Context).ConfigureAwait(false);
    }
}

internal sealed class DuplexStreamingMethodHandler<TRequest, TResponse>(
    Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse> handler)
    : ServerMethodHandler(method.FullName, method.Type)
{
    public override Task HandleAsync(ServerCall call) =>
        handler(
            new ServerRequestStream<TRequest>(call, method.RequestMarshaller),
            new ServerResponseStream<TResponse>(call, method.ResponseMarshaller),
            call.Context);
}
