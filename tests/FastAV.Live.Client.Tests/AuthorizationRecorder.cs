using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace FastAV.Live.Client.Tests;

/// <summary>
/// Middleware in front of the gRPC endpoint that records each request's authorization header, and each request's
/// x-fastav-stream-id header as "path=value" ("path=" when absent).
/// </summary>
internal sealed class AuthorizationRecorder(List<string> seen, List<string> streamIds) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, following) =>
        {
            if (context.Request.Headers.Authorization is { Count: > 0 } values)
            {
                lock (seen)
                {
                    seen.Add(values.ToString());
                }
            }

            lock (streamIds)
            {
                streamIds.Add($"{context.Request.Path}={context.Request.Headers["x-fastav-stream-id"]}");
            }

            await following();
        });
        next(app);
    };
}
