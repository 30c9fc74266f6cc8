using System.Globalization;
using FastAV.Live.Client;
using FastAV.Live.Contracts.V1;
using Grpc.Core;
using FastAV.Live.Media;

namespace FastAV.Live.Cli;

/// <summary>
/// `stream SOURCE`: opens the source (before connecting, so a bad path fails fast), opens the stream with
/// the source's tracks and the standing questions, sends the media (real time or as fast as possible),
/// asks the --question questions, half-closes and prints responses until the server ends the call.
/// </summary>
public sealed class StreamVerb(LiveAnalyticsClient client, CliArguments arguments, TextWriter output, bool live)
{
    public async Task<int> RunAsync(CancellationToken stop)
    {
        using var source = OpenSource(arguments.Positional!);
        var open = new StreamOpen
        {
            StreamId = arguments.StreamId ?? "cli-" + Guid.NewGuid().ToString("N")[..12],
            Video = MediaPackets.VideoFormat(source.Info),
            Audio = MediaPackets.AudioFormat(source.Info),
        };
        open.StandingQuestions.AddRange(arguments.Standing);
        open.Labels["source"] = Label(arguments.Positional!);

        await using var session = await client.OpenStreamAsync(open, cancellationToken: stop).ConfigureAwait(false);
        var sender = new MediaSender(session, arguments.RealTime ? MediaPacing.RealTime : MediaPacing.AsFastAsPossible);
        var view = new StreamView(session.Accepted, sender);
        if (!live)
        {
            await output.WriteLineAsync(ResponseLines.Of(session.Accepted)).ConfigureAwait(false);
        }

        var reading = ReadAsync(session, view);
        var sending = SendAsync(session, sender, source, stop);
        var work = Task.WhenAll(reading, sending);
        if (live)
        {
            await LiveDisplay.RunAsync(view, work).ConfigureAwait(false);
        }

        try
        {
            await work.ConfigureAwait(false);
        }
        catch (RpcException) when (reading.IsFaulted)
        {
            // The reader holds the call's status; the sender's failure is only its echo.
        }

        await reading.ConfigureAwait(false);
        return ExitCodes.Ok;
    }

    private async Task ReadAsync(LiveStreamSession session, StreamView view)
    {
        await foreach (var response in session.ReadResponsesAsync().ConfigureAwait(false))
        {
            view.Add(response);
            if (!live)
            {
                await output.WriteLineAsync(ResponseLines.Of(response)).ConfigureAwait(false);
            }
        }
    }

    private async Task SendAsync(LiveStreamSession session, MediaSender sender, MediaSource source, CancellationToken stop)
    {
        try
        {
            await sender.SendAsync(source, arguments.MaxDuration, stop).ConfigureAwait(false);
            for (var i = 0; i < arguments.Questions.Count; i++)
            {
                var id = "ask" + (i + 1).ToString(CultureInfo.InvariantCulture);
                await session.AskAsync(new Question { QuestionId = id, Text = arguments.Questions[i] }, stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Ctrl+C: stop sending and end the stream cleanly below (the server sends its final stats).
        }
        catch (MediaException)
        {
            // A read error mid-stream: end the call (the server reports what it got) and report the error.
            await session.CompleteAsync(CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        await session.CompleteAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private static MediaSource OpenSource(string location)
    {
        try
        {
            // "-" is standard input (libavformat's pipe:0): how capture devices come in today, e.g.
            // ffmpeg -f v4l2 -i /dev/video0 -c:v libx264 -f mpegts - | fastav-cli stream -
            return MediaSource.Open(location == "-" ? "pipe:0" : location);
        }
        catch (MediaException ex)
        {
            throw new SourceOpenException(location, ex);
        }
    }

    /// <summary>The source as a label value: the file name or the URL without credentials, at most 256 characters.</summary>
    private static string Label(string location)
    {
        if (location is "-" or "pipe:0")
        {
            return "stdin";
        }

        var text = Uri.TryCreate(location, UriKind.Absolute, out var uri) && !uri.IsFile
            ? uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.Unescaped)
            : Path.GetFileName(location);
        return text.Length > 256 ? text[..256] : text;
    }
}
