using FastAV.Live.Media;
using Contract = FastAV.Live.Contracts.V1;

namespace FastAV.Live.Server.Inference;

/// <summary>
/// One stream's media path: decoders for its declared tracks (video through <see cref="SampledFrameDecoder"/>: only the
/// frames the model's frame rate samples are converted, straight to the model's input size; pictures no tick can take
/// are not decoded when nothing refers to them), and the window assembler. Messages go in (already checked by
/// MediaValidator, their pts on the stream's timeline), complete windows come out: a window closes as soon as every
/// declared track has decoded media past its end, or, when a track lags, once the other is the lateness tolerance past
/// it. Not thread-safe: the stream's request reader drives it in message order.
/// </summary>
public sealed class StreamMedia : IDisposable
{
    private readonly SampledFrameDecoder? _video;
    private readonly AudioDecoder? _audio;
    private readonly WindowAssembler _assembler;
    private readonly Contract.VideoFormat? _videoFormat;
    private long _corruptVideo;
    private long _corruptAudio;
    private long _videoReachedUs = long.MinValue;
    private long _audioReachedUs = long.MinValue;

    /// <param name="latenessSeconds">How long (media time) a window waits for a lagging track once another track has passed its end.</param>
    /// <param name="fit">How frames fit the model's vision input (sampled frames come out at its resized size); null = decoded size.</param>
    public StreamMedia(Contract.VideoFormat? video, Contract.AudioFormat? audio, double windowSeconds, int framesPerWindow, double latenessSeconds = 0.5, FrameFit? fit = null)
    {
        if (!(windowSeconds > 0)) throw new ArgumentOutOfRangeException(nameof(windowSeconds), windowSeconds, "must be positive");
        if (framesPerWindow < 1) throw new ArgumentOutOfRangeException(nameof(framesPerWindow), framesPerWindow, "must be at least 1");
        _videoFormat = video;
        try
        {
            _video = video is null ? null : new SampledFrameDecoder(ToMedia(video.Codec), new SampledFrameDecoderOptions { Fps = framesPerWindow / windowSeconds, Fit = fit });
            _audio = audio is null ? null : new AudioDecoder(ToMedia(audio.Codec), (int)audio.SampleRateHz, (int)audio.Channels);
        }
        catch
        {
            _video?.Dispose();
            throw;
        }

        _assembler = new WindowAssembler(new WindowAssemblerOptions { WindowSeconds = windowSeconds, LatenessToleranceSeconds = latenessSeconds });
    }

    /// <summary>The media time every declared track has decoded to, µs; long.MinValue until each has some.</summary>
    public long ReachedUs => (_video, _audio) switch
    {
        (not null, not null) => Math.Min(_videoReachedUs, _audioReachedUs),
        (not null, null) => _videoReachedUs,
        _ => _audioReachedUs,
    };

    /// <summary>Video packets that failed to decode (corrupt bitstream, or raw pictures the decoder refused), so far.</summary>
    public long CorruptVideoPackets => (_video?.DecoderStats.CorruptPacketCount ?? 0) + (_video?.DecoderStats.RejectedPacketCount ?? 0);

    /// <summary>Audio frames that failed to decode, and chunks the decoder refused, so far.</summary>
    public long CorruptAudioFrames => (_audio?.Stats.CorruptFrameCount ?? 0) + (_audio?.Stats.RejectedChunkCount ?? 0);

    /// <summary>Video packets skipped while the decoder waited for a keyframe.</summary>
    public long VideoAwaitingKeyframe => _video?.DecoderStats.DroppedAwaitingKeyframeCount ?? 0;

    public WindowAssemblerStats WindowStats => _assembler.Stats;

    /// <summary>Decodes one frame placed at <paramref name="ptsUs"/> on the timeline; returns the windows it completed and whether the decoder found it corrupt.</summary>
    public IReadOnlyList<MediaWindow> AddVideo(Contract.VideoFrame frame, long ptsUs, out bool corrupt)
    {
        ArgumentNullException.ThrowIfNull(frame);
        corrupt = false;
        if (_video is null) return [];
        var codec = frame.Codec == Contract.VideoCodec.Unspecified ? _video.Codec : ToMedia(frame.Codec);

        // Raw pictures take their size from the frame, else from the track StreamOpen declared.
        var width = frame.Width != 0 ? frame.Width : _videoFormat!.Width;
        var height = frame.Height != 0 ? frame.Height : _videoFormat!.Height;
        var packet = new VideoPacket(codec, frame.Data.ToByteArray(), ptsUs, frame.Keyframe, (int)width, (int)height);
        var output = new List<MediaWindow>();
        foreach (var sampled in _video.Decode(packet))
        {
            output.AddRange(_assembler.AddFrame(sampled));
        }

        _videoReachedUs = Math.Max(_videoReachedUs, _video.DecodedThroughMicroseconds);

        corrupt = Changed(ref _corruptVideo, CorruptVideoPackets);
        output.AddRange(CloseReachedByEveryTrack());
        return output;
    }

    /// <summary>Decodes one chunk placed at <paramref name="ptsUs"/> on the timeline; returns the windows it completed and whether the decoder found corrupt frames in it.</summary>
    public IReadOnlyList<MediaWindow> AddAudio(Contract.AudioChunk chunk, long ptsUs, out bool corrupt)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        corrupt = false;
        if (_audio is null) return [];
        var codec = chunk.Codec == Contract.AudioCodec.Unspecified ? _audio.Codec : ToMedia(chunk.Codec);
        var rate = chunk.SampleRateHz == 0 ? _audio.SampleRate : (int)chunk.SampleRateHz;
        var channels = chunk.Channels == 0 ? _audio.Channels : (int)chunk.Channels;
        var block = _audio.Decode(new AudioPacket(codec, chunk.Data.ToByteArray(), ptsUs, rate, channels));
        corrupt = Changed(ref _corruptAudio, CorruptAudioFrames);
        if (block is null) return [];
        _audioReachedUs = Math.Max(_audioReachedUs, block.EndPtsMicroseconds);
        var output = new List<MediaWindow>(_assembler.AddAudio(block));
        output.AddRange(CloseReachedByEveryTrack());
        return output;
    }

    /// <summary>A question is a barrier: every window the media has reached is emitted now.</summary>
    public IReadOnlyList<MediaWindow> CloseReached() => _assembler.CloseReached();

    /// <summary>
    /// End of stream: what the decoders, the sampler and the assembler still hold. A last partial window is kept only if
    /// it holds media of its own: a frame whose pts is inside it, or at least a quarter window of audio. (The sampler lets
    /// the last frame serve a tick up to half an interval after it, and AAC's padding runs a few tens of milliseconds past
    /// the last frame: either would open a window that asks every standing question again over the same media.)
    /// </summary>
    public IReadOnlyList<MediaWindow> Flush()
    {
        var output = new List<MediaWindow>();
        if (_video is not null)
        {
            foreach (var sampled in _video.Flush()) output.AddRange(_assembler.AddFrame(sampled));
        }

        if (_audio?.Flush() is { } tail) output.AddRange(_assembler.AddAudio(tail));
        output.AddRange(_assembler.Flush());
        output.RemoveAll(w => w.IsPartial && !HoldsMedia(w));
        return output;
    }

    private static bool HoldsMedia(MediaWindow window) =>
        window.Frames.Any(f => f.Frame.PtsMicroseconds >= window.StartPtsMicroseconds) || 4L * (window.Audio.Length - window.MissingAudioSampleCount) >= window.Audio.Length;

    // Every declared track decoded past these windows' ends: nothing late can still come for them.
    private IReadOnlyList<MediaWindow> CloseReachedByEveryTrack()
    {
        var reached = ReachedUs;
        return reached == long.MinValue ? [] : _assembler.CloseThrough(reached);
    }

    public void Dispose()
    {
        _video?.Dispose();
        _audio?.Dispose();
    }

    public static VideoCodec ToMedia(Contract.VideoCodec codec) => codec switch
    {
        Contract.VideoCodec.RawRgb24 => VideoCodec.RAW_RGB24,
        Contract.VideoCodec.RawI420 => VideoCodec.RAW_I420,
        Contract.VideoCodec.RawNv12 => VideoCodec.NV12,
        Contract.VideoCodec.Jpeg => VideoCodec.JPEG,
        Contract.VideoCodec.H264 => VideoCodec.H264,
        Contract.VideoCodec.Hevc => VideoCodec.HEVC,
        _ => throw new ArgumentOutOfRangeException(nameof(codec), codec, "no such video codec"),
    };

    public static AudioCodec ToMedia(Contract.AudioCodec codec) => codec switch
    {
        Contract.AudioCodec.PcmS16Le => AudioCodec.PCM_S16LE,
        Contract.AudioCodec.PcmF32Le => AudioCodec.PCM_F32LE,
        Contract.AudioCodec.AacAdts => AudioCodec.AAC,
        Contract.AudioCodec.Opus => AudioCodec.OPUS,
        _ => throw new ArgumentOutOfRangeException(nameof(codec), codec, "no such audio codec"),
    };

    private static bool Changed(ref long seen, long now)
    {
        var changed = now != seen;
        seen = now;
        return changed;
    }
}
