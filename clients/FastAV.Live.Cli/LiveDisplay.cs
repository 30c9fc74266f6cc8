using System.Globalization;
using FastAV.Live.Contracts.V1;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace FastAV.Live.Cli;

/// <summary>The interactive view of a stream (Spectre.Console Live): ingest, server counters, KV memory, the latest answer per question, warnings.</summary>
public static class LiveDisplay
{
    private static readonly TimeSpan Refresh = TimeSpan.FromMilliseconds(250);

    /// <summary>Renders <paramref name="view"/> until <paramref name="work"/> completes, then once more.</summary>
    public static Task RunAsync(StreamView view, Task work) =>
        AnsiConsole.Live(Render(view)).AutoClear(false).StartAsync(async context =>
        {
            while (!work.IsCompleted)
            {
                await Task.WhenAny(work, Task.Delay(Refresh)).ConfigureAwait(false);
                context.UpdateTarget(Render(view));
            }

            context.UpdateTarget(Render(view));
        });

    public static IRenderable Render(StreamView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var (stats, answers, warnings, warningCount) = view.Snapshot();
        var seconds = Math.Max(view.Elapsed.TotalSeconds, 1e-3);
        var sender = view.Sender;
        var accepted = view.Accepted;

        var ingest = new Grid().AddColumn().AddColumn();
        ingest.AddRow("[bold]stream[/]", Markup.Escape(accepted.StreamId));
        ingest.AddRow("[bold]model[/]", accepted.ModelLoaded ? Markup.Escape(accepted.Model) : "[yellow]none loaded (ingest only)[/]");
        ingest.AddRow("[bold]sent[/]", string.Create(CultureInfo.InvariantCulture,
            $"{sender.VideoFramesSent} frames, {sender.AudioChunksSent} audio chunks, {sender.BytesSent / 1024.0:0.0} KiB, media {Math.Max(0, sender.LastMediaTimeMicroseconds) / 1e6:0.0} s"));
        ingest.AddRow("[bold]ingest rate[/]", string.Create(CultureInfo.InvariantCulture,
            $"{sender.VideoFramesSent / seconds:0.0} frames/s, {sender.BytesSent / 1024.0 / seconds:0.0} KiB/s"));
        ingest.AddRow("[bold]server[/]", string.Create(CultureInfo.InvariantCulture,
            $"{stats.VideoFramesAccepted} frames / {stats.AudioChunksAccepted} chunks accepted, {stats.VideoFramesRejected + stats.AudioChunksRejected} rejected, windows {stats.WindowsPrefilled}"));
        ingest.AddRow("[bold]drops[/]", stats.FramesDropped == 0 ? "0" : $"[red]{stats.FramesDropped.ToString(CultureInfo.InvariantCulture)}[/]");
        ingest.AddRow("[bold]KV memory[/]", string.Create(CultureInfo.InvariantCulture, $"{stats.KvBytes / 1048576.0:0.00} MiB, {stats.KvTokens} tokens"));

        var table = new Table().Title("answers").AddColumn("question").AddColumn("answer").AddColumn("confidence").AddColumn("media span").AddColumn("latency");
        foreach (var answer in answers)
        {
            table.AddRow(
                Markup.Escape(answer.QuestionId),
                answer.Failure is { } failure ? $"[red]failed: {Markup.Escape(failure.Message)}[/]" : Markup.Escape(answer.Text),
                Confidence(answer),
                string.Create(CultureInfo.InvariantCulture, $"{(answer.Span?.StartPtsUs ?? 0) / 1e6:0.0}–{(answer.Span?.EndPtsUs ?? 0) / 1e6:0.0} s"),
                string.Create(CultureInfo.InvariantCulture, $"{answer.LatencyUs / 1000.0:0} ms"));
        }

        if (answers.Length == 0)
        {
            table.AddRow("[grey]–[/]", "[grey]no answers yet[/]", "", "", "");
        }

        var rows = new List<IRenderable> { new Panel(ingest).Header("FastAV.Live"), table };
        if (warningCount > 0)
        {
            rows.Add(new Markup(string.Create(CultureInfo.InvariantCulture, $"[yellow]{warningCount} warning(s)[/], latest:")));
            rows.AddRange(warnings.Select(w => new Markup("  " + Markup.Escape($"{ResponseLines.EnumName(w.Code.ToString())}: {w.Message}"))));
        }

        return new Rows(rows);
    }

    // The answer's mean token probability; an answer below its question's min_confidence is marked uncertain.
    private static string Confidence(Answer answer)
    {
        var value = answer.Confidence.ToString("0.00", CultureInfo.InvariantCulture);
        return answer.Uncertain ? $"[yellow]{value} uncertain[/]" : value;
    }
}
