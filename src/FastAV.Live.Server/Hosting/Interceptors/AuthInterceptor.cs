using FastAV.Live.Server.Tenants;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace FastAV.Live.Server.Hosting.Interceptors;

/// <summary>
/// Authenticates and authorises every call before its handler runs: the credential ("authorization: Bearer KEY" or a
/// client certificate) names the tenant (<see cref="CallerAuthenticator"/>), the method names the role it needs
/// (<see cref="CallRoles"/>; health, and by default reflection, need nothing). Refusals are UNAUTHENTICATED or PERMISSION_DENIED, counted in
/// <see cref="TrustMetrics"/>. The caller is stored in the call's user state (<see cref="Caller.Of"/>) for the service,
/// and its tenant in the call's log scope. On a server without a tenants file every call is <see cref="Caller.Open"/>.
/// </summary>
internal sealed class AuthInterceptor(CallerAuthenticator authenticator, TrustMetrics metrics, AuthOptions options) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Admit(context);
        return continuation(request, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Admit(context);
        return continuation(requestStream, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Admit(context);
        return continuation(request, responseStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Admit(context);
        return continuation(requestStream, responseStream, context);
    }

    private void Admit(ServerCallContext context)
    {
        var needed = CallRoles.For(context.Method, options.AnonymousReflection);
        if (needed is null)
        {
            return;
        }

        var http = context.GetHttpContext();
        var method = context.Method[(context.Method.LastIndexOf('/') + 1)..];
        var status = authenticator.Authenticate(http.Request.Headers.Authorization, http.Connection.ClientCertificate, out var caller);
        if (status.StatusCode == StatusCode.OK)
        {
            status = CallerAuthenticator.Authorize(caller!, needed.Value, method);
        }

        if (status.StatusCode != StatusCode.OK)
        {
            metrics.AuthRefused(method, status.StatusCode, caller?.Tenant.Name);
            throw new RpcException(status);
        }

        caller!.AttachTo(context);
        CallLogScope.Of(context)?.Tenant = caller.Tenant.Name;
    }
}
