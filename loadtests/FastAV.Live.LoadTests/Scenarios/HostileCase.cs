using Google.Protobuf;
using Contract = FastAV.Live.Contracts.V1;

namespace FastAV.Live.LoadTests.Scenarios;

/// <summary>
/// One kind of hostile input a client sends mid-stream, and what the contract says must follow: either a Warning with
/// <see cref="Warning"/> while the stream goes on (it then closes OK), or the call ending with <see cref="EndsWith"/>.
/// A case is one malformed message (<see cref="Build"/>, from the media time sent so far), or a camera clock that
/// jumps (<see cref="PtsShift"/>: from the stream's next pts, the shift every later pts carries on the wire) — then
/// the stream must also keep answering on its timeline after the jump.
/// </summary>
public sealed record HostileCase(string Name, Func<long, Random, Contract.StreamRequest>? Build, Contract.WarningCode? Warning, string? EndsWith, Func<long, long>? PtsShift = null)
{
    /// <summary>The server's largest message (Grpc:MaxReceiveMessageSize's default: the 16 MiB payload limit + 64 KiB) and a bit: the oversized case exceeds it.</summary>
    public const int OversizedBytes = 17 << 20;

    /// <summary>Every case: the media ones need an H.264 video track and a PCM audio track (the generated clip has both).</summary>
    public static IReadOnlyList<HostileCase> All { get; } =
    [
        new("corrupt_h264", (pts, r) => Video(pts, [0, 0, 0, 1, 0x65, .. Bytes(r, 512)]), Contract.WarningCode.DecodeError, null),
        new("empty_payload", (pts, _) => Video(pts, []), Contract.WarningCode.EmptyPayload, null),
        new("pcm_size_mismatch", (pts, _) => new Contract.StreamRequest { Audio = new Contract.AudioChunk { PtsUs = pts, Data = ByteString.CopyFrom(1, 2, 3) } }, Contract.WarningCode.PayloadSizeMismatch, null),
        new("negative_pts", (_, r) => Video(-1_000_000, [0, 0, 0, 1, 0x09, 0xF0]), Contract.WarningCode.PtsNotMonotonic, null),
        new("format_mismatch", (pts, _) => new Contract.StreamRequest { Video = new Contract.VideoFrame { PtsUs = pts, Codec = Contract.VideoCodec.Jpeg, Data = ByteString.CopyFrom(0xFF, 0xD8, 0xFF, 0xD9) } }, Contract.WarningCode.FormatMismatch, null),
        new("unknown_message", (_, _) => new Contract.StreamRequest(), Contract.WarningCode.UnknownMessage, null),
        new("cancel_unknown_question", (_, _) => new Contract.StreamRequest { CancelStandingQuestion = new Contract.CancelStandingQuestion { QuestionId = "never-registered" } }, Contract.WarningCode.UnknownQuestion, null),
        new("second_open", (_, _) => new Contract.StreamRequest { Open = new Contract.StreamOpen { StreamId = "again" } }, null, "INVALID_ARGUMENT"),
        // A malformed question on the Stream call is answered by a failed Answer and a warning; the camera's media goes on.
        new("empty_question", (_, _) => new Contract.StreamRequest { Question = new Contract.Question { QuestionId = "q", Text = "" } }, Contract.WarningCode.QuestionRejected, null),
        new("bad_standing_interval", (_, _) => new Contract.StreamRequest { StandingQuestion = new Contract.StandingQuestion { QuestionId = "s", Text = "anyone there?", IntervalMs = 1 } }, null, "INVALID_ARGUMENT"),
        new("oversized_message", (pts, r) => Video(pts, [0, 0, 0, 1, 0x65, .. Bytes(r, OversizedBytes)]), null, "RESOURCE_EXHAUSTED"),
        // An NTP step: every later pts an hour ahead. The server re-bases the track (no windows for the gap).
        new("clock_jump_forward", null, Contract.WarningCode.PtsDiscontinuity, null, _ => 3_600_000_000L),
        // A camera reboot: pts start again at 0.
        new("clock_restart", null, Contract.WarningCode.PtsDiscontinuity, null, next => -next),
    ];

    /// <summary>The cases named in <paramref name="names"/> (all when empty); an unknown name throws, listing the known ones.</summary>
    public static IReadOnlyList<HostileCase> Select(IReadOnlyCollection<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (names.Count == 0) return All;
        var unknown = names.Where(n => All.All(c => c.Name != n)).ToList();
        if (unknown.Count > 0) throw new FormatException($"--hostile-cases: unknown case {string.Join(", ", unknown)} (cases: {string.Join(", ", All.Select(c => c.Name))})");
        return All.Where(c => names.Contains(c.Name)).ToList();
    }

    private static Contract.StreamRequest Video(long pts, byte[] data) =>
        new() { Video = new Contract.VideoFrame { PtsUs = pts, Data = ByteString.CopyFrom(data) } };

    private static byte[] Bytes(Random random, int count)
    {
        var b = new byte[count];
        random.NextBytes(b);
        return b;
    }
}
