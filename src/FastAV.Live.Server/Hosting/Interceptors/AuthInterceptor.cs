using FastAV.Live.Server.Tenants;
using Grpc.Core;

namespace FastAV.Live.Server.Hosting.Interceptors;

/// <summary>
/// Authenticates and authorises every call before its handler runs: the credential ("authorization: Bearer KEY" or a
/// client certificate) names the tenant (<see cref="CallerAuthenticator"/>), the method names the role it needs
/// (<see cref="CallRoles"/>; health, and by default reflection, need nothing). Refusals are UNAUTHENTICATED or PERMISSION_DENIED, counted in
/// <see cref="TrustMetrics"/>. The caller is stored in the call's user state (<see cref="Caller.Of"/>) for the service,
/// and its tenant in the call's log scope. On a server without a tenants file every call is <see cref="Caller.Open"/>.
/// </summary>
internal sealed class AuthInterceptor(CallerAuthenticator authenticator, TrustMetrics metrics, AuthOptions options) : CallInterceptor
{
    protected override Task<T> AroundAsync<T>(ServerCallContext context, bool streamsResponses, Func<ServerCallContext, Task<T>> handler)
    {
        Admit(context);
        return handler(context);
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
