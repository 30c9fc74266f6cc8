using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace FastAV.Live.Grpc;

/// <summary>A method of a service: its kind, its full name ("/package.Service/Method") and how its messages are marshalled.</summary>
public sealed class Method<TRequest, TResponse>
{
    public Method(MethodType type, string serviceName, string name, Marshaller<TRequest> requestMarshaller, Marshaller<TResponse> responseMarshaller)
    {
        Type = type;
        ServiceName = serviceName;
        Name = name;
        RequestMarshaller = requestMarshaller;
        ResponseMarshaller = responseMarshaller;
        FullName = "/" + serviceName + "/" + name;
    }

    public MethodType Type { get; }

    public string ServiceName { get; }

    public string Name { get; }

    public string FullName { get; }

    public Marshaller<TRequest> RequestMarshaller { get; }

    public Marshaller<TResponse> ResponseMarshaller { get; }
}

/// <summary>Builds <see cref="Method{TRequest,TResponse}"/> from the protobuf descriptors that protoc generates (no service codegen needed).</summary>
public static class ProtoMethod
{
    public static Method<TRequest, TResponse> Create<TRequest, TResponse>(ServiceDescriptor service, string name)
        where TRequest : IMessage<TRequest>, new()
        where TResponse : IMessage<TResponse>, new()
    {
        var method = service.FindMethodByName(name)
            ?? throw new ArgumentException($"Service {service.FullName} has no method {name}.", nameof(name));
        if (method.InputType.ClrType != typeof(TRequest) || method.OutputType.ClrType != typeof(TResponse))
        {
            throw new ArgumentException(
                $"{service.FullName}.{name} is {method.InputType.FullName} -> {method.OutputType.FullName}, not {typeof(TRequest).Name} -> {typeof(TResponse).Name}.");
        }

        var type = (method.IsClientStreaming, method.IsServerStreaming) switch
        {
            (false, false) => MethodType.Unary,
            (true, false) => MethodType.ClientStreaming,
            (false, true) => MethodType.ServerStreaming,
            (true, true) => MethodType.DuplexStreaming,
        };
        var requestParser = new MessageParser<TRequest>(() => new TRequest());
        var responseParser = new MessageParser<TResponse>(() => new TResponse());
        return new Method<TRequest, TResponse>(
            type, service.FullName, name, Marshallers.Protobuf(requestParser), Marshallers.Protobuf(responseParser));
    }
}
