using FastAV.Live.Grpc.Server;

namespace FastAV.Live.Grpc;

/// <summary>The methods of one service and their handlers.</summary>
public sealed class ServerServiceDefinition
{
    private ServerServiceDefinition(IReadOnlyList<ServerMethodHandler> methods) => Methods = methods;

    internal IReadOnlyList<ServerMethodHandler> Methods { get; }

    /// <summary>Full names ("/pkg.Service/Method") of the methods served.</summary>
    public IEnumerable<string> MethodNames => Methods.Select(m => m.FullName);

    public static Builder CreateBuilder() => new();

    /// <summary>Collects methods; Build() checks that no method is added twice.</summary>
    public sealed class Builder
    {
        private readonly List<ServerMethodHandler> _methods = [];

        public Builder AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse> handler)
        {
            Expect(method, MethodType.Unary);
            _methods.Add(new UnaryMethodHandler<TRequest, TResponse>(method, handler));
            return this;
        }

        public Builder AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse> handler)
        {
            Expect(method, MethodType.ClientStreaming);
            _methods.Add(new ClientStreamingMethodHandler<TRequest, TResponse>(method, handler));
            return this;
        }

        public Builder AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse> handler)
        {
            Expect(method, MethodType.ServerStreaming);
            _methods.Add(new ServerStreamingMethodHandler<TRequest, TResponse>(method, handler));
            return this;
        }

        public Builder AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse> handler)
        {
            Expect(method, MethodType.DuplexStreaming);
            _methods.Add(new DuplexStreamingMethodHandler<TRequest, TResponse>(method, handler));
            return this;
        }

        public ServerServiceDefinition Build()
        {
            var duplicate = _methods.GroupBy(m => m.FullName).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
            {
                throw new InvalidOperationException($"Method {duplicate.Key} is added twice.");
            }

            return new ServerServiceDefinition(_methods.ToArray());
        }

        private static void Expect<TRequest, TResponse>(Method<TRequest, TResponse> method, MethodType type)
        {
            if (method.Type != type)
            {
                throw new ArgumentException($"{method.FullName} is a {method.Type} method, but the handler is {type}.", nameof(method));
            }
        }
    }
}
