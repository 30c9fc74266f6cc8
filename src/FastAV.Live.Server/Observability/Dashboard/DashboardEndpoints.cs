using System.Reflection;
using System.Runtime.CompilerServices;
using FastAV.Live.Server.Hosting;
using Microsoft.Extensions.Options;

namespace FastAV.Live.Server.Observability.Dashboard;

/// <summary>
/// /dashboard: a read-only page (embedded HTML, CSS and script; no build step, nothing from a CDN) and its data —
/// api/state (the state as JSON, once) and api/events (the state as server-sent events every Dashboard:RefreshInterval,
/// until the client leaves or the server's calls end on drain).
/// </summary>
public static class DashboardEndpoints
{
    private static readonly Assembly Assembly = typeof(DashboardEndpoints).Assembly;

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.Ordinal)
    {
        ["index.html"] = "text/html; charset=utf-8",
        ["dashboard.css"] = "text/css; charset=utf-8",
        ["dashboard.js"] = "text/javascript; charset=utf-8",
    };

    public static RouteGroupBuilder MapDashboard(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/dashboard");
        group.MapGet("", () => File("index.html"));
        group.MapGet("/static/{name}", (string name) => File(name));
        group.MapGet("/api/state", (DashboardSnapshot snapshot) => Results.Text(snapshot.Json(), "application/json"));
        group.MapGet("/api/events", (DashboardSnapshot snapshot, IOptions<DashboardOptions> options, ServerDrain drain, TimeProvider time, HttpContext context) =>
            TypedResults.ServerSentEvents(States(snapshot, options.Value.RefreshInterval, time, drain.CallsEnding, context.RequestAborted), eventType: "state"));
        return group;
    }

    private static IResult File(string name)
    {
        if (!ContentTypes.TryGetValue(name, out var contentType) || Assembly.GetManifestResourceStream("dashboard/" + name) is not { } stream)
        {
            return Results.NotFound();
        }

        return Results.Stream(stream, contentType);
    }

    private static async IAsyncEnumerable<string> States(DashboardSnapshot snapshot, TimeSpan interval, TimeProvider time, CancellationToken serverEnding, [EnumeratorCancellation] CancellationToken clientGone)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(serverEnding, clientGone);
        using var timer = new PeriodicTimer(interval, time);
        yield return snapshot.Json();
        while (true)
        {
            try
            {
                if (!await timer.WaitForNextTickAsync(stop.Token).ConfigureAwait(false))
                {
                    yield break;
                }
            }
            catch (OperationCanceledException)
            {
                yield break;
            }

            yield return snapshot.Json();
        }
    }
}
