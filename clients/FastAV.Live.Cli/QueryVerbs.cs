using System.Globalization;
using FastAV.Live.Client;
using FastAV.Live.Contracts.V1;
using Spectre.Console;

namespace FastAV.Live.Cli;

/// <summary>`ask`, `ls` and `get`: one call each, printed as lines (--plain or not interactive) or as Spectre tables.</summary>
public static class QueryVerbs
{
    public static async Task<int> AskAsync(LiveAnalyticsClient client, CliArguments arguments, TextWriter output, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(output);
        var question = new Question { Text = arguments.Positional!, MaxTokens = arguments.MaxTokens };
        await foreach (var chunk in client.AskAsync(arguments.StreamId!, question, cancellationToken: stop).ConfigureAwait(false))
        {
            if (arguments.Plain)
            {
                await output.WriteLineAsync(ResponseLines.Of(chunk)).ConfigureAwait(false);
                if (chunk.Done && chunk.Answer is { } answer)
                {
                    await output.WriteLineAsync(ResponseLines.Of(answer)).ConfigureAwait(false);
                }
            }
            else
            {
                // Tokens as they arrive, like a chat; the summary once the answer is complete.
                await output.WriteAsync(chunk.Text).ConfigureAwait(false);
                if (chunk.Done)
                {
                    var latency = (chunk.Answer?.LatencyUs ?? 0) / 1000.0;
                    var confidence = chunk.Answer?.Confidence ?? 0;
                    await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"\n({chunk.TokenCount} tokens, {latency:0} ms, confidence {confidence:0.00})")).ConfigureAwait(false);
                }
            }
        }

        return ExitCodes.Ok;
    }

    public static async Task<int> ListAsync(LiveAnalyticsClient client, CliArguments arguments, TextWriter output, bool live, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(output);
        var streams = new List<StreamInfo>();
        await foreach (var stream in client.ListAllStreamsAsync(arguments.Prefix, arguments.PageSize, cancellationToken: stop).ConfigureAwait(false))
        {
            if (live)
            {
                streams.Add(stream);
            }
            else
            {
                await output.WriteLineAsync(ResponseLines.Of(stream)).ConfigureAwait(false);
            }
        }

        if (live)
        {
            var table = new Table().AddColumn("stream").AddColumn("state").AddColumn("model").AddColumn("frames").AddColumn("audio")
                .AddColumn("dropped").AddColumn("KV MiB").AddColumn("standing").AddColumn("peer");
            foreach (var s in streams)
            {
                var stats = s.Stats ?? new StreamStats();
                table.AddRow(
                    Markup.Escape(s.StreamId), ResponseLines.EnumName(s.State.ToString()), Markup.Escape(s.Model.Length == 0 ? "–" : s.Model),
                    N(stats.VideoFramesAccepted), N(stats.AudioChunksAccepted), N(stats.FramesDropped),
                    (stats.KvBytes / 1048576.0).ToString("0.00", CultureInfo.InvariantCulture), N((ulong)s.StandingQuestions.Count), Markup.Escape(s.Peer));
            }

            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"{streams.Count} stream(s)"));
        }

        return ExitCodes.Ok;
    }

    public static async Task<int> GetAsync(LiveAnalyticsClient client, CliArguments arguments, TextWriter output, bool live, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(output);
        var stream = await client.GetStreamAsync(arguments.StreamId!, cancellationToken: stop).ConfigureAwait(false);
        if (!live)
        {
            await output.WriteLineAsync(ResponseLines.Of(stream)).ConfigureAwait(false);
            foreach (var question in stream.StandingQuestions)
            {
                await output.WriteLineAsync(ResponseLines.Of(question)).ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        }

        var grid = new Grid().AddColumn().AddColumn();
        foreach (var field in ResponseLines.Of(stream).Split(' ').Skip(1))
        {
            var at = field.IndexOf('=', StringComparison.Ordinal);
            grid.AddRow($"[bold]{Markup.Escape(field[..at])}[/]", Markup.Escape(field[(at + 1)..]));
        }

        foreach (var question in stream.StandingQuestions)
        {
            grid.AddRow("[bold]standing[/]", Markup.Escape($"{question.QuestionId} every {question.IntervalMs} ms: {question.Text}"));
        }

        AnsiConsole.Write(new Panel(grid).Header(Markup.Escape(stream.StreamId)));
        return ExitCodes.Ok;
    }

    private static string N(ulong n) => n.ToString(CultureInfo.InvariantCulture);
}
