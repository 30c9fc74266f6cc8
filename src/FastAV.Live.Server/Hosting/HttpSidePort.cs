using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace FastAV.Live.Server.Hosting;

/// <summary>
/// Keeps the plain HTTP side port (Server:HttpUrls) and the gRPC listeners apart: Kestrel tags each side-port
/// connection (<see cref="TagConnection"/>), and after routing <see cref="Gate"/> answers 404 to an endpoint on the wrong
/// listener — /metrics or /dashboard over the gRPC port, a gRPC method over the side port — then asks
/// <see cref="IHttpSideAccess"/> whether the caller may see a protected side endpoint.
/// </summary>
public static class HttpSidePort
{
    private static readonly object Key = typeof(HttpSidePort);

    /// <summary>Kestrel connection middleware of the side port's listeners.</summary>
    public static ConnectionDelegate TagConnection(ConnectionDelegate next) => connection =>
    {
        connection.Items[Key] = true;
        return next(connection);
    };

    /// <summary>True when the request came in on a side-port listener.</summary>
    public static bool IsSidePort(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<IConnectionItemsFeature>()?.Items.ContainsKey(Key) == true;
    }

    /// <summary>Routing, then the gate; the host's endpoints run after it.</summary>
    public static IApplicationBuilder UseHttpSidePort(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseRouting();
        return app.Use(Gate);
    }

    private static async Task Gate(HttpContext context, RequestDelegate next)
    {
        var side = IsSidePort(context);
        var endpoint = context.GetEndpoint()?.Metadata.GetMetadata<HttpSideEndpoint>();
        if (side && endpoint is null || !side && endpoint is not null)
        {
            // Not served on this listener: as if the path did not exist.
            context.SetEndpoint(null);
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (endpoint is { Protected: true })
        {
            // Credentials are checked here (Tenants.HttpCallerCheck, the API's keys and certificates); probes never are.
            var access = context.RequestServices.GetRequiredService<IHttpSideAccess>();
            if (!await access.AllowsAsync(context).ConfigureAwait(false))
            {
                context.SetEndpoint(null);
                if (context.Response.StatusCode < 400)
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                }

                return;
            }
        }

        await next(context).ConfigureAwait(false);
    }
}
