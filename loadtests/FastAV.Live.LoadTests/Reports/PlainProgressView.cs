namespace FastAV.Live.LoadTests.Reports;

/// <summary>Progress for logs and CI (output redirected): one line per scenario every few seconds.</summary>
public sealed class PlainProgressView(TextWriter output, TimeSpan every) : ILiveView
{
    public async Task RunAsync(Func<IReadOnlyList<LiveRow>> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(every, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            foreach (var r in rows())
            {
                await output.WriteLineAsync(
                    $"[{r.Phase} {Cells.Seconds(r.Elapsed)}{(r.Planned is { } p ? "/" + Cells.Seconds(p) : "")}] {r.Scenario}: copies {r.Copies}, ok {r.Ok}, fail {r.Fail}, "
                    + $"RPS {Cells.Number(r.Rps, "0.0")}, streams {r.Streams}, standing p95 {Cells.Ms(r.StandingP95Ms)} ms, windows dropped {r.WindowsDropped}, missing {r.Missing}").ConfigureAwait(false);
            }

            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
