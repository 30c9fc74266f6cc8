namespace FastAV.Live.Media.Tests;

[Collection(MediaClipsCollection.Name)]
public sealed class AudioDecoderTests(MediaClips clips)
{
    // sine clips, 1 s; channel counts 1..8 and rates 8..48 kHz.
    public static TheoryData<string, string, AudioCodec, int> Clips => new()
    {
        { "s16-8k-mono.wav", "-f lavfi -i sine=frequency=440:sample_rate=8000 -t 1 -c:a pcm_s16le", AudioCodec.PCM_S16LE, 0 },
        { "s16-44k-stereo.wav", "-f lavfi -i sine=frequency=300:sample_rate=44100 -f lavfi -i sine=frequency=700:sample_rate=44100 -t 1 -filter_complex amerge=inputs=2 -c:a pcm_s16le", AudioCodec.PCM_S16LE, 0 },
        { "f32-48k-6ch.wav", "-f lavfi -i sine=frequency=500:sample_rate=48000 -t 1 -af pan=5.1|c0=c0|c1=0.5*c0|c2=0.3*c0|c3=0.1*c0|c4=0.2*c0|c5=0.4*c0 -c:a pcm_f32le", AudioCodec.PCM_F32LE, 0 },
        { "f32-22k-8ch.wav", "-f lavfi -i sine=frequency=250:sample_rate=22050 -t 1 -af pan=7.1|c0=c0|c1=c0|c2=0.5*c0|c3=0.1*c0|c4=c0|c5=c0|c6=0.3*c0|c7=0.3*c0 -c:a pcm_f32le", AudioCodec.PCM_F32LE, 0 },
        { "aac-adts-44k.aac", "-f lavfi -i sine=frequency=440:sample_rate=44100 -t 1 -c:a aac -b:a 96k", AudioCodec.AAC, 0 },
        { "aac-m4a-stereo-32k.m4a", "-f lavfi -i sine=frequency=440:sample_rate=32000 -t 1 -ac 2 -c:a aac -b:a 96k", AudioCodec.AAC, 512 },
        { "opus-mono.ogg", "-f lavfi -i sine=frequency=440:sample_rate=48000 -t 1 -c:a libopus -b:a 48k", AudioCodec.OPUS, 104 },
    };

    [Theory]
    [MemberData(nameof(Clips))]
    public void DecodesLikeFfmpeg(string name, string args, AudioCodec codec, int containerSkip)
    {
        var clip = clips.Make(name, args);
        var packets = MediaClips.ReadAll(clip).OfType<AudioPacket>().ToList();
        Assert.All(packets, p => Assert.Equal(codec, p.Codec));

        using var decoder = new AudioDecoder(codec, packets[0].SampleRate, packets[0].Channels);
        var samples = DecodeAll(decoder, packets);
        var reference = clips.ReferenceAudio(clip);

        // Containers mark encoder priming (MP4 edit list: 1024 AAC samples; Ogg pre-skip: 312 Opus samples) and end
        // trimming, which ffmpeg drops and a chunk cannot carry: we decode them, so ffmpeg's output starts containerSkip later.
        var lag = BestLag(samples, reference, 600);
        Assert.Equal(containerSkip, lag);
        var compared = Math.Min(samples.Length - lag, reference.Length);
        Assert.InRange(samples.Length - lag - reference.Length, -32, containerSkip == 0 ? 32 : 400);
        const double tolerance = 1e-4;
        // Where ffmpeg skipped priming, its resampler started from silence at a different point: skip that filter transient.
        var from = containerSkip == 0 ? 0 : 64;
        var to = containerSkip == 0 ? compared : compared - 64;
        double maxDiff = 0;
        for (var i = from; i < to; i++)
        {
            maxDiff = Math.Max(maxDiff, Math.Abs(samples[i + lag] - reference[i]));
        }

        Assert.True(maxDiff <= tolerance, $"{name}: max |diff| {maxDiff:E2} at lag {lag}");
        Assert.True(reference.Take(compared).Max() > 0.05, "the clip is not silent");
        Assert.Equal(0, decoder.Stats.GapCount + decoder.Stats.OverlapCount + decoder.Stats.RejectedChunkCount + decoder.Stats.CorruptFrameCount);
    }

    [Fact]
    public void GapsBecomeCountedSilenceAndOverlapsAreTrimmed()
    {
        // 10 chunks of 100 ms of a constant 0.5 at 16 kHz: no resampling, so positions are exact.
        static AudioPacket Chunk(long ms) => new(AudioCodec.PCM_F32LE, Constant(1600, 0.5f), ms * 1000, 16000, 1);
        using var decoder = new AudioDecoder(AudioCodec.PCM_F32LE, 16000, 1);
        var blocks = new List<AudioBlock>();
        foreach (var ms in new long[] { 0, 100, 300, 250, 400 })
        {
            if (decoder.Decode(Chunk(ms)) is { } b)
            {
                blocks.Add(b);
            }
        }

        Assert.Equal(1, decoder.Stats.GapCount);
        Assert.Equal(1600, decoder.Stats.SilenceSampleCount); // 200..300 ms missing
        Assert.Equal(1, decoder.Stats.OverlapCount);
        Assert.Equal(1600, decoder.Stats.TrimmedSampleCount); // 250..350 ms lies wholly inside audio already emitted
        Assert.Equal(decoder.Stats.OutputSampleCount, blocks.Sum(b => b.Samples.Length));
        Assert.Equal(200_000, blocks[2].StartPtsMicroseconds);
    }

    internal static float[] DecodeAll(AudioDecoder decoder, IEnumerable<AudioPacket> packets)
    {
        var output = new List<float>();
        foreach (var p in packets)
        {
            if (decoder.Decode(p) is { } block)
            {
                output.AddRange(block.Samples);
            }
        }

        if (decoder.Flush() is { } tail)
        {
            output.AddRange(tail.Samples);
        }

        return [.. output];
    }

    internal static byte[] Constant(int samples, float value)
    {
        var bytes = new byte[samples * 4];
        for (var i = 0; i < samples; i++)
        {
            BitConverter.TryWriteBytes(bytes.AsSpan(i * 4), value);
        }

        return bytes;
    }

    private static int BestLag(float[] samples, float[] reference, int maxLag)
    {
        var best = 0;
        var bestError = double.MaxValue;
        for (var lag = 0; lag <= maxLag && lag < samples.Length; lag++)
        {
            double error = 0;
            var n = Math.Min(samples.Length - lag, reference.Length);
            for (var i = 0; i < n; i++)
            {
                error += Math.Abs(samples[i + lag] - reference[i]);
            }

            if (error / n < bestError)
            {
                bestError = error / n;
                best = lag;
            }
        }

        return best;
    }
}
