using Spectre.Console;

namespace FastAV.Live.LoadTests.Reports;

/// <summary>The live console view (Spectre.Console): one row per scenario, refreshed every second.</summary>
public sealed class SpectreLiveView : ILiveView
{
    public async Task RunAsync(Func<IReadOnlyList<LiveRow>> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var table = NewTable();
        await AnsiConsole.Live(table).AutoClear(false).StartAsync(async ctx =>
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                table.Rows.Clear();
                foreach (var r in rows())
                {
                    table.AddRow(
                        Markup.Escape(r.Scenario), r.Phase,
                        $"{Cells.Seconds(r.Elapsed)}{(r.Planned is { } p ? " / " + Cells.Seconds(p) : "")}",
                        Cells.Count(r.Copies), Cells.Count(r.Ok), r.Fail > 0 ? $"[red]{r.Fail}[/]" : "0", Cells.Number(r.Rps, "0.0"), Cells.Ms(r.P95Ms),
                        Cells.Count(r.Streams), Cells.Ms(r.StandingP95Ms), r.WindowsDropped > 0 ? $"[red]{r.WindowsDropped}[/]" : "0",
                        r.Missing > 0 ? $"[red]{r.Missing}[/]" : "0", Cells.Bytes(r.KvBytes));
                }

                ctx.Refresh();
                try
                {
                    await Task.Delay(1000, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }).ConfigureAwait(false);
    }

    private static Table NewTable()
    {
        var t = new Table().Border(TableBorder.Rounded).Title("fastav-load");
        foreach (var c in new[] { "scenario", "phase", "time", "copies", "ok", "fail", "RPS", "p95 ms (last)", "streams", "standing p95 ms", "windows dropped", "missing", "KV" })
        {
            t.AddColumn(c);
        }

        return t;
    }
}
