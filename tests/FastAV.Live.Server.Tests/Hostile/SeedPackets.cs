namespace FastAV.Live.Server.Tests.Hostile;

/// <summary>
/// Media packets of every codec the contract takes, made by the ffmpeg CLI through the fuzz harness's seed maker
/// (src/native/fastav_media/fuzz/make_seeds.py): its seed format — two header bytes, then 16-bit little-endian lengths
/// and packets — read back; raw pictures lose their 4-byte size prefix.
/// </summary>
internal sealed record SeedPackets(
    IReadOnlyList<byte[]> H264, IReadOnlyList<byte[]> Hevc, IReadOnlyList<byte[]> Mjpeg, IReadOnlyList<byte[]> I420, IReadOnlyList<byte[]> Nv12,
    IReadOnlyList<byte[]> Rgb24, IReadOnlyList<byte[]> PcmS16, IReadOnlyList<byte[]> PcmF32, IReadOnlyList<byte[]> Aac, IReadOnlyList<byte[]> Opus)
{
    public static async Task<SeedPackets> LoadAsync()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"fastav-seed-packets-{Environment.ProcessId}");
        var (exit, _, stderr) = await PythonProbe.RunProcessAsync(
            "/usr/bin/python3", [Path.Combine(PythonProbe.RepoRoot, "src", "native", "fastav_media", "fuzz", "make_seeds.py"), dir], "");
        if (exit != 0) throw new InvalidOperationException($"make_seeds.py exited with {exit}: {stderr}");
        IReadOnlyList<byte[]> P(string name, int skip = 0) => Packets(File.ReadAllBytes(Path.Combine(dir, name))).Select(p => p[skip..]).ToList();
        return new SeedPackets(P("h264-bframes"), P("hevc-bframes"), P("mjpeg"), P("i420", 4), P("nv12", 4), P("rgb24", 4),
            P("pcm-s16le-16k-mono"), P("pcm-f32le-48k-stereo"), P("aac-adts-16k"), P("opus-48k"));
    }

    private static List<byte[]> Packets(byte[] seed)
    {
        var packets = new List<byte[]>();
        for (var i = 2; i + 2 <= seed.Length;)
        {
            var n = seed[i] | (seed[i + 1] << 8);
            packets.Add(seed.AsSpan(i + 2, n).ToArray());
            i += 2 + n;
        }

        return packets;
    }
}
