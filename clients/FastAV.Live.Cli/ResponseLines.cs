using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using FastAV.Live.Contracts.V1;

namespace FastAV.Live.Cli;

/// <summary>
/// --plain output: one line per response, "kind key=value ...", text values JSON-quoted, enum values
/// without their type prefix. Stable for scripts: fields are only ever added at the end.
/// </summary>
public static class ResponseLines
{
    public static string Of(StreamResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.KindCase switch
        {
            StreamResponse.KindOneofCase.Accepted => Of(response.Accepted),
            StreamResponse.KindOneofCase.Answer => Of(response.Answer),
            StreamResponse.KindOneofCase.Stats => Of(response.Stats),
            StreamResponse.KindOneofCase.Warning => Of(response.Warning),
            _ => "unknown",
        };
    }

    public static string Of(StreamAccepted a) =>
        Line("accepted", ("stream_id", Quote(a.StreamId)), ("model", Quote(a.Model)), ("model_loaded", Bool(a.ModelLoaded)),
            ("window_ms", N(a.WindowMs)), ("pruning", EnumName(a.Pruning?.Policy.ToString() ?? "Unspecified")));

    public static string Of(Answer a)
    {
        List<(string Key, string Value)> fields =
        [
            ("question_id", Quote(a.QuestionId)), ("standing", Bool(a.Standing)),
            ("span_us", $"{N(a.Span?.StartPtsUs ?? 0)}-{N(a.Span?.EndPtsUs ?? 0)}"), ("latency_ms", Ms(a.LatencyUs)),
            ("tokens", N(a.TokenCount)), ("flops_ratio", (a.Pruning?.FlopsRatio ?? 1).ToString("0.###", CultureInfo.InvariantCulture)),
            ("confidence", a.Confidence.ToString("0.###", CultureInfo.InvariantCulture)), ("uncertain", Bool(a.Uncertain)),
        ];
        if (a.Failure is { } failure)
        {
            fields.Add(("failure", Quote(string.Create(CultureInfo.InvariantCulture, $"{failure.Code}: {failure.Message}"))));
        }

        fields.Add(("text", Quote(a.Text)));
        return Line("answer", [.. fields]);
    }

    public static string Of(StreamStats s) =>
        Line("stats", ("final", Bool(s.Final)), ("video_accepted", N(s.VideoFramesAccepted)), ("video_rejected", N(s.VideoFramesRejected)),
            ("audio_accepted", N(s.AudioChunksAccepted)), ("audio_rejected", N(s.AudioChunksRejected)), ("bytes", N(s.MediaBytesReceived)),
            ("media_ms", Ms(s.MediaDurationUs)), ("windows", N(s.WindowsPrefilled)), ("dropped", N(s.FramesDropped)),
            ("kv_bytes", N(s.KvBytes)), ("kv_tokens", N(s.KvTokens)), ("answers", N(s.AnswersSent)), ("requests", N(s.RequestsReceived)));

    public static string Of(Warning w) =>
        Line("warning", ("code", EnumName(w.Code.ToString())), ("pts_us", N(w.PtsUs)), ("request", N(w.RequestIndex)), ("message", Quote(w.Message)));

    public static string Of(AnswerChunk c) =>
        Line("chunk", ("question_id", Quote(c.QuestionId)), ("tokens", N(c.TokenCount)), ("done", Bool(c.Done)), ("text", Quote(c.Text)));

    public static string Of(StreamInfo i)
    {
        var s = i.Stats ?? new StreamStats();
        return Line("stream", ("stream_id", Quote(i.StreamId)), ("state", EnumName(i.State.ToString())), ("model", Quote(i.Model)),
            ("video", i.Video is null ? "none" : $"{EnumName(i.Video.Codec.ToString())}:{N(i.Video.Width)}x{N(i.Video.Height)}"),
            ("audio", i.Audio is null ? "none" : $"{EnumName(i.Audio.Codec.ToString())}:{N(i.Audio.SampleRateHz)}Hz:{N(i.Audio.Channels)}ch"),
            ("video_accepted", N(s.VideoFramesAccepted)), ("audio_accepted", N(s.AudioChunksAccepted)), ("bytes", N(s.MediaBytesReceived)),
            ("dropped", N(s.FramesDropped)), ("kv_bytes", N(s.KvBytes)), ("standing", N(i.StandingQuestions.Count)), ("peer", Quote(i.Peer)));
    }

    public static string Of(StandingQuestion q) =>
        Line("standing", ("question_id", Quote(q.QuestionId)), ("interval_ms", N(q.IntervalMs)), ("text", Quote(q.Text)));

    /// <summary>"NoModelLoaded" → "NO_MODEL_LOADED" (the proto's name without its enum prefix).</summary>
    public static string EnumName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var upper = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i]) && !char.IsUpper(name[i - 1]))
            {
                upper.Append('_');
            }

            upper.Append(char.ToUpperInvariant(name[i]));
        }

        return upper.ToString();
    }

    // Relaxed escaping: quotes and control characters are escaped, other Unicode stays readable (answers are UTF-8 text).
    private static readonly JsonSerializerOptions QuoteOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Quote(string text) => JsonSerializer.Serialize(text ?? "", QuoteOptions);

    private static string Line(string kind, params (string Key, string Value)[] fields) =>
        kind + string.Concat(fields.Select(f => " " + f.Key + "=" + f.Value));

    private static string Bool(bool b) => b ? "true" : "false";

    private static string N(long n) => n.ToString(CultureInfo.InvariantCulture);

    private static string N(ulong n) => n.ToString(CultureInfo.InvariantCulture);

    private static string N(uint n) => n.ToString(CultureInfo.InvariantCulture);

    private static string N(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Ms(long us) => (us / 1000.0).ToString("0.###", CultureInfo.InvariantCulture);
}
