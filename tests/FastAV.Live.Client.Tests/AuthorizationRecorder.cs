using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace FastAV.Live.Client.Tests;

/// <summary>Middleware in front of the gRPC endpoint that records each request's authorization header.</summary>
internal sealed class AuthorizationRecorder(List<string> seen) : IStartupFilter
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

            await following();
        });
        next(app);
    };
}
