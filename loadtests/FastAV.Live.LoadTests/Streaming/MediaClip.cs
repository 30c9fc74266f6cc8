using System.Text.Json;
using FastAV.Live.Media;
using Google.Protobuf;
using ClientPackets = FastAV.Live.Client.MediaPackets;
using Contract = FastAV.Live.Contracts.V1;

namespace FastAV.Live.LoadTests.Streaming;

/// <summary>
/// A media file read once (MediaSource, FFmpeg through our shim) and turned into the contract's VideoFrame and
/// AudioChunk requests by the client library's MediaPackets, held in memory in file order so that every stream of
/// the run replays it without decoding anything. PCM audio is regrouped into chunks of about
/// <c>audioChunkMs</c> (a camera client sends tens of ms per message; fewer, larger messages keep the generator's
/// own cost down). Streams loop the clip, shifting pts by <see cref="DurationUs"/> per loop.
/// </summary>
public sealed class MediaClip
{
    private MediaClip(string path, Contract.VideoFormat? video, Contract.AudioFormat? audio, IReadOnlyList<ClipPacket> packets, long durationUs, IReadOnlyList<ClipQuestion> questions)
    {
        Path = path;
        Video = video;
        Audio = audio;
        Packets = packets;
        DurationUs = durationUs;
        Questions = questions;
    }

    public string Path { get; }

    public Contract.VideoFormat? Video { get; }

    public Contract.AudioFormat? Audio { get; }

    internal IReadOnlyList<ClipPacket> Packets { get; }

    /// <summary>The loop period: the end of the last packet over both tracks, rounded up to a millisecond.</summary>
    public long DurationUs { get; }

    public IReadOnlyList<ClipQuestion> Questions { get; }

    public long PayloadBytes => Packets.Sum(p => (long)p.PayloadBytes);

    /// <summary>Reads <paramref name="path"/>; questions come from <c>world.json</c> beside it when there is one.</summary>
    public static MediaClip Load(string path, int audioChunkMs = 200)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"media file {path} does not exist", path);
        if (audioChunkMs is < 10 or > 1000) throw new ArgumentOutOfRangeException(nameof(audioChunkMs), audioChunkMs, "must be in [10, 1000] ms");
        using var source = MediaSource.Open(path);
        var video = ClientPackets.VideoFormat(source.Info);
        var audio = ClientPackets.AudioFormat(source.Info);
        if (video is null && audio is null) throw new InvalidDataException($"{path} has neither a video nor an audio track the contract can carry");
        var converter = new ClientPackets();
        var requests = new List<Contract.StreamRequest>();
        while (source.ReadPacket() is { } packet)
        {
            if (packet is VideoPacket && video is null) continue;
            if (packet is AudioPacket && audio is null) continue;
            requests.Add(converter.ToRequest(packet));
        }

        if (requests.Count == 0) throw new InvalidDataException($"{path} has no packets");
        var packets = Cover(Regroup(requests, audio, audioChunkMs), video);
        var duration = (packets.Max(p => p.EndUs) + 999) / 1000 * 1000;
        return new MediaClip(path, video, audio, packets, duration, ReadQuestions(path));
    }

    private static List<Contract.StreamRequest> Regroup(List<Contract.StreamRequest> requests, Contract.AudioFormat? audio, int chunkMs)
    {
        if (audio is null || audio.Codec is not (Contract.AudioCodec.PcmS16Le or Contract.AudioCodec.PcmF32Le) || audio.SampleRateHz == 0) return requests;
        var bytesPerMs = audio.SampleRateHz * audio.Channels * (audio.Codec == Contract.AudioCodec.PcmS16Le ? 2 : 4) / 1000.0;
        var result = new List<Contract.StreamRequest>(requests.Count);
        Contract.AudioChunk? pending = null;
        var buffer = new MemoryStream();
        void Flush()
        {
            if (pending is null) return;
            pending.Data = ByteString.CopyFrom(buffer.ToArray());
            result.Add(new Contract.StreamRequest { Audio = pending });
            pending = null;
            buffer.SetLength(0);
        }

        foreach (var r in requests)
        {
            if (r.KindCase != Contract.StreamRequest.KindOneofCase.Audio)
            {
                result.Add(r);
                continue;
            }

            pending ??= new Contract.AudioChunk { PtsUs = r.Audio.PtsUs };
            r.Audio.Data.WriteTo(buffer);
            if (buffer.Length >= chunkMs * bytesPerMs) Flush();
        }

        Flush();
        return result;
    }

    /// <summary>Each packet covers media up to its track's next pts; the last one of a track its predecessor's span (or the frame period).</summary>
    private static List<ClipPacket> Cover(List<Contract.StreamRequest> requests, Contract.VideoFormat? video)
    {
        var packets = new List<ClipPacket>(requests.Count);
        var next = new Dictionary<bool, long>();
        var ends = new long[requests.Count];
        var lastSpan = new Dictionary<bool, long> { [true] = video is { FrameRate: > 0 } v ? (long)(1_000_000 / v.FrameRate) : 40_000, [false] = 20_000 };
        for (var i = requests.Count - 1; i >= 0; i--)
        {
            var isVideo = requests[i].KindCase == Contract.StreamRequest.KindOneofCase.Video;
            var pts = isVideo ? requests[i].Video.PtsUs : requests[i].Audio.PtsUs;
            if (next.TryGetValue(isVideo, out var following) && following > pts)
            {
                ends[i] = following;
                lastSpan[isVideo] = following - pts;
            }
            else
            {
                ends[i] = pts + lastSpan[isVideo];
            }

            next[isVideo] = pts;
        }

        for (var i = 0; i < requests.Count; i++)
        {
            var r = requests[i];
            var isVideo = r.KindCase == Contract.StreamRequest.KindOneofCase.Video;
            packets.Add(new ClipPacket(r, isVideo, isVideo ? r.Video.PtsUs : r.Audio.PtsUs, ends[i], isVideo ? r.Video.Data.Length : r.Audio.Data.Length));
        }

        return packets;
    }

    private static List<ClipQuestion> ReadQuestions(string path)
    {
        var sidecar = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!, "world.json");
        if (File.Exists(sidecar))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(sidecar));
            var list = doc.RootElement.GetProperty("questions").EnumerateArray()
                .Select(q => new ClipQuestion(q.GetProperty("text").GetString() ?? "", q.GetProperty("family").GetString() ?? ""))
                .Where(q => q.Text.Length > 0)
                .DistinctBy(q => q.Text, StringComparer.Ordinal)
                .ToList();
            if (list.Count > 0) return list;
        }

        return [new("how many objects are there?", "count"), new("was the last tone high or low?", "pitch"), new("what happened in the last three seconds?", "recency")];
    }
}
