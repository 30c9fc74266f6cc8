using Grpc.Core;

namespace FastAV.Live.Server.Services;

/// <summary>
/// Passes a generated BindService's methods on to the library's binder with <see cref="CheckedRequestMarshaller"/>
/// around each request marshaller. The method table stays the generated one (names, kinds, response marshallers,
/// handlers); only how request bytes become messages is stricter.
/// </summary>
public sealed class CheckedServiceBinder(ServiceBinderBase inner) : ServiceBinderBase
{
    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler) =>
        inner.AddMethod(Checked(method), handler);

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler) =>
        inner.AddMethod(Checked(method), handler);

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler) =>
        inner.AddMethod(Checked(method), handler);

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler) =>
        inner.AddMethod(Checked(method), handler);

    private static Method<TRequest, TResponse> Checked<TRequest, TResponse>(Method<TRequest, TResponse> method)
        where TRequest : class
        where TResponse : class =>
        new(method.Type, method.ServiceName, method.Name, CheckedRequestMarshaller.Wrap(method.RequestMarshaller), method.ResponseMarshaller);
}
