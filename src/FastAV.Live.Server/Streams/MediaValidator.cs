using FastAV.Live.Contracts.V1;

namespace FastAV.Live.Server.Streams;

/// <summary>
/// Checks the media messages of one stream against its declared tracks: codec, raw sizes against
/// width × height, payload limits, the start of the bitstream, and pts order per track, placing each
/// accepted message on the stream's timeline (<see cref="PtsTimeline"/>: a clock jump or reset beyond the
/// gap bound re-bases the track). Rejected messages do not move the track's pts. Not thread-safe: one
/// stream reads its requests in order.
/// </summary>
public sealed class MediaValidator
{
    private readonly LiveAnalyticsOptions _options;
    private readonly VideoFormat? _video;
    private readonly AudioFormat? _audio;
    private readonly long _toleranceUs;
    private readonly PtsTimeline _videoTimeline;
    private readonly PtsTimeline _audioTimeline;

    /// <param name="windowUs">The stream's window length, µs (the gap bound is <see cref="LiveAnalyticsOptions.MaxPtsGapWindows"/> of them); 0 = the server's default window.</param>
    public MediaValidator(LiveAnalyticsOptions options, VideoFormat? video, AudioFormat? audio, long windowUs = 0)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _video = video;
        _audio = audio;
        _toleranceUs = (long)(options.PtsReorderTolerance.Ticks / 10);
        var gapUs = (long)(options.MaxPtsGapWindows * (windowUs > 0 ? windowUs : options.DefaultWindowMs * 1000L));

        // A camera that sends a frame every few seconds is not jumping: the video bound covers two declared frame intervals.
        var frameGapUs = video is { FrameRate: > 0 } ? (long)(2_000_000 / video.FrameRate) : 0;
        _videoTimeline = new PtsTimeline(Math.Max(gapUs, frameGapUs), _toleranceUs);
        _audioTimeline = new PtsTimeline(gapUs, _toleranceUs);
    }

    /// <summary>The gap bound of the video track and of the audio track, µs.</summary>
    public (long Video, long Audio) MaxGapUs => (_videoTimeline.MaxGapUs, _audioTimeline.MaxGapUs);

    /// <summary>Largest accepted video pts, µs; -1 before the first.</summary>
    public long LastVideoPtsUs { get; private set; } = -1;

    /// <summary>Largest accepted audio pts, µs; -1 before the first.</summary>
    public long LastAudioPtsUs { get; private set; } = -1;

    /// <summary>Smallest accepted pts over both tracks, µs; -1 before the first.</summary>
    public long FirstPtsUs { get; private set; } = -1;

    /// <summary>Largest pts accepted, µs (2^53, 285 years): timeline arithmetic on any accepted pts stays far inside a long.</summary>
    public const long MaxPtsUs = 1L << 53;

    public static bool IsRaw(VideoCodec codec) => codec is VideoCodec.RawRgb24 or VideoCodec.RawI420 or VideoCodec.RawNv12;

    public static bool IsPcm(AudioCodec codec) => codec is AudioCodec.PcmS16Le or AudioCodec.PcmF32Le;

    /// <summary>Bytes of one unpadded raw frame: RGB24 w·h·3; I420 and NV12 w·h + 2·⌈w/2⌉·⌈h/2⌉.</summary>
    public static long RawFrameBytes(VideoCodec codec, uint width, uint height) => codec switch
    {
        VideoCodec.RawRgb24 => (long)width * height * 3,
        VideoCodec.RawI420 or VideoCodec.RawNv12 => ((long)width * height) + (2L * ((width + 1) / 2) * ((height + 1) / 2)),
        _ => throw new ArgumentOutOfRangeException(nameof(codec), codec, "not a raw codec"),
    };

    public MediaVerdict Check(VideoFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (_video is null)
        {
            return MediaVerdict.Reject(WarningCode.TrackNotDeclared, "VideoFrame: StreamOpen declared no video track");
        }

        if (!Enum.IsDefined(frame.Codec))
        {
            return MediaVerdict.Reject(WarningCode.UnknownCodec, $"VideoFrame.codec: unknown VideoCodec value {(int)frame.Codec}");
        }

        var codec = frame.Codec == VideoCodec.Unspecified ? _video.Codec : frame.Codec;
        if (codec != _video.Codec)
        {
            return MediaVerdict.Reject(WarningCode.FormatMismatch, $"VideoFrame.codec: {codec} differs from the track's {_video.Codec}");
        }

        var verdict = CheckPayloadSize(frame.Data.Length, _options.MaxVideoPayloadBytes, "VideoFrame.data");
        if (!verdict.IsAccepted)
        {
            return verdict;
        }

        if (frame.Width > _options.MaxVideoWidth || frame.Height > _options.MaxVideoHeight)
        {
            return MediaVerdict.Reject(
                WarningCode.BadDimensions,
                $"VideoFrame.width/height: {frame.Width}x{frame.Height} exceeds the server maximum {_options.MaxVideoWidth}x{_options.MaxVideoHeight}");
        }

        verdict = IsRaw(codec) ? CheckRawSize(frame, codec) : CheckVideoBitstream(frame.Data.Span, codec);
        if (!verdict.IsAccepted)
        {
            return verdict;
        }

        verdict = Place(_videoTimeline, frame.PtsUs, 0, "VideoFrame.pts_us");
        if (verdict.IsAccepted)
        {
            LastVideoPtsUs = Math.Max(LastVideoPtsUs, verdict.TimelinePtsUs);
            NoteFirst(verdict.TimelinePtsUs);
        }

        return verdict;
    }

    public MediaVerdict Check(AudioChunk chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        if (_audio is null)
        {
            return MediaVerdict.Reject(WarningCode.TrackNotDeclared, "AudioChunk: StreamOpen declared no audio track");
        }

        if (!Enum.IsDefined(chunk.Codec))
        {
            return MediaVerdict.Reject(WarningCode.UnknownCodec, $"AudioChunk.codec: unknown AudioCodec value {(int)chunk.Codec}");
        }

        var codec = chunk.Codec == AudioCodec.Unspecified ? _audio.Codec : chunk.Codec;
        if (codec != _audio.Codec)
        {
            return MediaVerdict.Reject(WarningCode.FormatMismatch, $"AudioChunk.codec: {codec} differs from the track's {_audio.Codec}");
        }

        if (chunk.SampleRateHz != 0 && chunk.SampleRateHz != _audio.SampleRateHz)
        {
            return MediaVerdict.Reject(
                WarningCode.FormatMismatch, $"AudioChunk.sample_rate_hz: {chunk.SampleRateHz} differs from the track's {_audio.SampleRateHz}");
        }

        if (chunk.Channels != 0 && chunk.Channels != _audio.Channels)
        {
            return MediaVerdict.Reject(WarningCode.FormatMismatch, $"AudioChunk.channels: {chunk.Channels} differs from the track's {_audio.Channels}");
        }

        var verdict = CheckPayloadSize(chunk.Data.Length, _options.MaxAudioPayloadBytes, "AudioChunk.data");
        if (!verdict.IsAccepted)
        {
            return verdict;
        }

        long durationUs = 0;
        if (IsPcm(codec))
        {
            var frameBytes = (int)_audio.Channels * (codec == AudioCodec.PcmS16Le ? 2 : 4);
            if (chunk.Data.Length % frameBytes != 0)
            {
                return MediaVerdict.Reject(
                    WarningCode.PayloadSizeMismatch,
                    $"AudioChunk.data: {chunk.Data.Length} bytes is not a whole number of {frameBytes}-byte sample frames ({codec}, {_audio.Channels} channels)");
            }

            durationUs = chunk.Data.Length / frameBytes * 1_000_000L / _audio.SampleRateHz;
        }
        else if (codec == AudioCodec.AacAdts)
        {
            var data = chunk.Data.Span;
            if (data.Length < 7 || data[0] != 0xFF || (data[1] & 0xF0) != 0xF0)
            {
                return MediaVerdict.Reject(WarningCode.BadBitstream, "AudioChunk.data: does not start with an ADTS header (sync word 0xFFF, 7 bytes)");
            }
        }

        verdict = Place(_audioTimeline, chunk.PtsUs, durationUs, "AudioChunk.pts_us");
        if (verdict.IsAccepted)
        {
            LastAudioPtsUs = Math.Max(LastAudioPtsUs, verdict.TimelinePtsUs);
            NoteFirst(verdict.TimelinePtsUs);
        }

        return verdict;
    }

    private static MediaVerdict CheckPayloadSize(int length, int max, string field)
    {
        if (length == 0)
        {
            return MediaVerdict.Reject(WarningCode.EmptyPayload, $"{field}: is empty");
        }

        return length > max
            ? MediaVerdict.Reject(WarningCode.PayloadTooLarge, $"{field}: {length} bytes, at most {max} allowed")
            : MediaVerdict.Accepted;
    }

    private MediaVerdict CheckRawSize(VideoFrame frame, VideoCodec codec)
    {
        var width = frame.Width != 0 ? frame.Width : _video!.Width;
        var height = frame.Height != 0 ? frame.Height : _video!.Height;
        if ((frame.Width == 0) != (frame.Height == 0))
        {
            return MediaVerdict.Reject(WarningCode.BadDimensions, $"VideoFrame.width/height: set both or neither, got {frame.Width}x{frame.Height}");
        }

        var expected = RawFrameBytes(codec, width, height);
        return frame.Data.Length == expected
            ? MediaVerdict.Accepted
            : MediaVerdict.Reject(
                WarningCode.PayloadSizeMismatch, $"VideoFrame.data: {frame.Data.Length} bytes, expected {expected} for {codec} {width}x{height}");
    }

    private static MediaVerdict CheckVideoBitstream(ReadOnlySpan<byte> data, VideoCodec codec)
    {
        switch (codec)
        {
            case VideoCodec.Jpeg when data.Length < 4 || data[0] != 0xFF || data[1] != 0xD8:
                return MediaVerdict.Reject(WarningCode.BadBitstream, "VideoFrame.data: does not start with a JPEG SOI marker (FF D8)");
            case VideoCodec.H264 or VideoCodec.Hevc when !StartsWithStartCode(data):
                return MediaVerdict.Reject(WarningCode.BadBitstream, $"VideoFrame.data: {codec} Annex B access unit must start with a 00 00 01 or 00 00 00 01 start code");
            default:
                return MediaVerdict.Accepted;
        }
    }

    private static bool StartsWithStartCode(ReadOnlySpan<byte> data) =>
        (data.Length >= 4 && data[0] == 0 && data[1] == 0 && data[2] == 1) ||
        (data.Length >= 5 && data[0] == 0 && data[1] == 0 && data[2] == 0 && data[3] == 1);

    private MediaVerdict Place(PtsTimeline timeline, long ptsUs, long durationUs, string field)
    {
        if (ptsUs < 0)
        {
            return MediaVerdict.Reject(WarningCode.PtsNotMonotonic, $"{field}: must not be negative, got {ptsUs}");
        }

        if (ptsUs > MaxPtsUs)
        {
            return MediaVerdict.Reject(WarningCode.PtsNotMonotonic, $"{field}: must be at most {MaxPtsUs} (2^53 µs, 285 years), got {ptsUs}");
        }

        var lastUs = timeline.LastPtsUs;
        return timeline.TryPlace(ptsUs, durationUs, out var timelineUs, out var jumpUs)
            ? MediaVerdict.Accepted with { TimelinePtsUs = timelineUs, JumpUs = jumpUs, ShiftUs = timeline.ShiftUs }
            : MediaVerdict.Reject(
                WarningCode.PtsNotMonotonic,
                $"{field}: {ptsUs} goes back {lastUs - ptsUs} µs below the track's largest pts {lastUs} (tolerance {_toleranceUs} µs; "
                + $"more than {Math.Max(timeline.MaxGapUs, _toleranceUs)} µs before where it was due would be a clock reset)");
    }

    private void NoteFirst(long ptsUs) => FirstPtsUs = FirstPtsUs < 0 ? ptsUs : Math.Min(FirstPtsUs, ptsUs);
}
