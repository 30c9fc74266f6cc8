using FastAV.Live.Media.Native;

namespace FastAV.Live.Media;

/// <summary>
/// Decodes one audio stream (PCM, AAC ADTS, Opus; any rate, 1–8 channels) to mono float32 at
/// <see cref="AudioDecoderOptions.OutputSampleRate"/> on a gap-free timeline: gaps in the chunks' pts
/// become counted silence, overlaps are trimmed. Never throws on bad stream data.
/// </summary>
public sealed class AudioDecoder : IDisposable
{
    private readonly AudioDecoderOptions _options;
    private readonly NativeHandle _decoder;
    private readonly int _bytesPerPcmFrame;
    private long? _originPts;
    private long _position; // output samples emitted since _originPts, silence included

    public AudioDecoder(AudioCodec codec, int sampleRate, int channels, AudioDecoderOptions? options = null)
    {
        _options = options ?? new AudioDecoderOptions();
        _options.Validate();
        if (codec is < AudioCodec.PCM_S16LE or > AudioCodec.OPUS)
        {
            throw new ArgumentOutOfRangeException(nameof(codec), codec, "unsupported audio codec");
        }

        Codec = codec;
        SampleRate = sampleRate;
        Channels = channels;
        _bytesPerPcmFrame = codec switch
        {
            AudioCodec.PCM_S16LE => 2 * channels,
            AudioCodec.PCM_F32LE => 4 * channels,
            _ => 0,
        };
        var maxBuffered = (int)Math.Ceiling((_options.MaxChunkSeconds + 1) * _options.OutputSampleRate) + 8192;
        var r = MediaNative.AudioDecoderOpen((int)codec, sampleRate, channels, _options.OutputSampleRate, maxBuffered, out var d);
        if (r != MediaNative.Ok)
        {
            throw MediaException.FromNative($"opening the {codec} decoder ({sampleRate} Hz, {channels} ch)", r);
        }

        _decoder = new NativeHandle(d, MediaNative.AudioDecoderClose);
    }

    public AudioCodec Codec { get; }

    public int SampleRate { get; }

    public int Channels { get; }

    public int OutputSampleRate => _options.OutputSampleRate;

    public AudioDecoderStats Stats { get; } = new();

    /// <summary>Decodes one chunk; returns its audio placed on the timeline (with any gap silence first), or null.</summary>
    public AudioBlock? Decode(AudioPacket packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        Stats.ChunkCount++;
        if (!Accept(packet))
        {
            Stats.RejectedChunkCount++;
            return null;
        }

        var r = MediaNative.AudioDecoderSend(_decoder.Pointer, packet.Data, out var corrupt);
        Stats.CorruptFrameCount += corrupt;
        if (r < 0 && corrupt == 0)
        {
            Stats.CorruptFrameCount++;
        }

        var samples = ReadAvailable();
        return samples.Length == 0 ? null : Place(packet.PtsMicroseconds, samples);
    }

    /// <summary>End of stream: the samples the decoder and resampler still hold, appended to the timeline.</summary>
    public AudioBlock? Flush()
    {
        MediaNative.AudioDecoderFlush(_decoder.Pointer);
        var samples = ReadAvailable();
        if (samples.Length == 0 || _originPts is null)
        {
            return null;
        }

        var block = new AudioBlock(PositionPts(), OutputSampleRate, samples);
        _position += samples.Length;
        Stats.OutputSampleCount += samples.Length;
        return block;
    }

    public void Dispose() => _decoder.Dispose();

    private bool Accept(AudioPacket packet)
    {
        if (packet.Codec != Codec || packet.Data.Length == 0 || packet.Data.Length > _options.MaxChunkBytes)
        {
            return false;
        }

        if (_bytesPerPcmFrame == 0)
        {
            return true;
        }

        var frames = packet.Data.Length / _bytesPerPcmFrame;
        return packet.Data.Length % _bytesPerPcmFrame == 0 && frames <= _options.MaxChunkSeconds * SampleRate;
    }

    private float[] ReadAvailable()
    {
        var n = MediaNative.AudioDecoderAvailable(_decoder.Pointer);
        if (n <= 0)
        {
            return [];
        }

        var samples = new float[n];
        var got = MediaNative.AudioDecoderRead(_decoder.Pointer, samples);
        return got == n ? samples : samples[..Math.Max(got, 0)];
    }

    private long PositionPts() => _originPts!.Value + (_position * 1_000_000 / OutputSampleRate);

    private AudioBlock? Place(long pts, float[] samples)
    {
        _originPts ??= pts;
        var target = (long)Math.Round((pts - _originPts.Value) * (double)OutputSampleRate / 1_000_000);
        var drift = target - _position;
        var tolerance = (long)(_options.GapToleranceSeconds * OutputSampleRate);
        var maxGap = (long)(_options.MaxGapSeconds * OutputSampleRate);
        if (Math.Abs(drift) > maxGap)
        {
            Stats.TimelineResetCount++;
            _originPts = pts;
            _position = 0;
            drift = 0;
        }

        var start = PositionPts();
        var output = samples;
        if (drift > tolerance)
        {
            Stats.GapCount++;
            Stats.SilenceSampleCount += drift;
            output = new float[drift + samples.Length];
            samples.CopyTo(output, drift);
        }
        else if (drift < -tolerance)
        {
            Stats.OverlapCount++;
            var trim = (int)Math.Min(-drift, samples.Length);
            Stats.TrimmedSampleCount += trim;
            output = samples[trim..];
            if (output.Length == 0)
            {
                return null;
            }
        }

        _position += output.Length;
        Stats.OutputSampleCount += output.Length;
        return new AudioBlock(start, OutputSampleRate, output);
    }
}
