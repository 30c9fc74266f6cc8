using Grpc.Core;

namespace FastAV.Live.Server.Tenants;

/// <summary>Who makes a call: the tenant it acts for and the credential that said so. The auth interceptor stores it in the call's user state.</summary>
public sealed record Caller(Tenant Tenant, CallerCredential Credential)
{
    private static readonly object Key = typeof(Caller);

    /// <summary>Every call of a server without a tenants file.</summary>
    public static readonly Caller Open = new(Tenant.Open, CallerCredential.None);

    /// <summary>The call's caller; <see cref="Open"/> when no interceptor set one (the service called outside the pipeline, open server).</summary>
    public static Caller Of(ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.UserState.TryGetValue(Key, out var caller) && caller is Caller c ? c : Open;
    }

    public void AttachTo(ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.UserState[Key] = this;
    }
}
