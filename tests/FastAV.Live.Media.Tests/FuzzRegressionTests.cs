namespace FastAV.Live.Media.Tests;

/// <summary>
/// Every input in src/native/fastav_media/fuzz/regressions once crashed the shim under the libFuzzer harness (fam_fuzz.c,
/// whose input format this reads). scripts/fuzz-media.sh replays them under AddressSanitizer, which is what catches a
/// read past a buffer; here the same streams go through the managed decoders as the server drives them: each is decoded
/// to the end with its damage counted, and decoding it twice gives the same samples (no dependence on bytes past the
/// chunks — the AAC parser used to read FFmpeg's 64 bytes of padding past an unpadded managed array).
/// </summary>
public sealed class FuzzRegressionTests
{
    private static readonly string Directory = Path.Combine(RepoRoot(), "src", "native", "fastav_media", "fuzz", "regressions");

    public static TheoryData<string> Inputs()
    {
        var data = new TheoryData<string>();
        foreach (var f in System.IO.Directory.GetFiles(Directory).Order(StringComparer.Ordinal)) data.Add(Path.GetFileName(f));
        return data;
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void A_regression_input_decodes_to_its_end_with_its_damage_counted_and_the_same_output_twice(string name)
    {
        var input = File.ReadAllBytes(Path.Combine(Directory, name));
        var target = input[0] % 10;
        Assert.True(target >= 6, $"{name}: target {target} is a video target; this test covers the audio ones it was written for");
        var (first, firstStats) = DecodeAudio(input);
        var (second, _) = DecodeAudio(input);
        Assert.Equal(first, second);
        Assert.Equal(Packets(input).Count, firstStats.ChunkCount);
        Assert.True(firstStats.RejectedChunkCount + firstStats.CorruptFrameCount > 0 || first.Length > 0, $"{name}: neither decoded nor counted");
    }

    private static (float[] Samples, AudioDecoderStats Stats) DecodeAudio(byte[] input)
    {
        AudioCodec[] codecs = [AudioCodec.PCM_S16LE, AudioCodec.PCM_F32LE, AudioCodec.AAC, AudioCodec.OPUS];
        int[] rates = [8000, 16000, 44100, 48000];
        var channels = ((input[1] >> 2) & 3) + 1;
        var rate = rates[(input[1] >> 4) & 3];
        using var decoder = new AudioDecoder(codecs[(input[0] % 10) - 6], rate, channels);
        var samples = new List<float>();
        long pts = 0;
        foreach (var packet in Packets(input))
        {
            if (decoder.Decode(new AudioPacket(decoder.Codec, packet, pts, rate, channels)) is { } block) samples.AddRange(block.Samples.ToArray());
            pts += 20_000;
        }

        if (decoder.Flush() is { } tail) samples.AddRange(tail.Samples.ToArray());
        return (samples.ToArray(), decoder.Stats);
    }

    // 16-bit little-endian length, then that many bytes (the last one cut at the input's end), after two header bytes.
    private static List<byte[]> Packets(byte[] input)
    {
        var packets = new List<byte[]>();
        for (var i = 2; i + 2 <= input.Length;)
        {
            var n = Math.Min(input[i] | (input[i + 1] << 8), input.Length - i - 2);
            packets.Add(input.AsSpan(i + 2, n).ToArray());
            i += 2 + n;
        }

        return packets.Where(p => p.Length > 0).ToList();
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FastAV.Live.sln"))) return dir.FullName;
        }

        throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
    }
}
