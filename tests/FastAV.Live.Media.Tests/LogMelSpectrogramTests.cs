namespace FastAV.Live.Media.Tests;

public sealed class LogMelSpectrogramTests
{
    [Theory]
    [InlineData(80)]
    [InlineData(128)]
    public void MatchesTorchStftReference(int melBins)
    {
        // 1.5 s: two tones, a chirp and deterministic noise, so every mel band carries energy.
        var rng = new Random(7);
        var audio = new float[24000];
        for (var i = 0; i < audio.Length; i++)
        {
            var t = i / 16000.0;
            audio[i] = (float)((0.3 * Math.Sin(2 * Math.PI * 440 * t)) + (0.2 * Math.Sin(2 * Math.PI * (200 + (2000 * t)) * t)) + (0.05 * ((rng.NextDouble() * 2) - 1)));
        }

        var features = new LogMelSpectrogram(melBins).Compute(audio);
        var reference = Reference(audio, melBins);

        Assert.Equal(melBins * 150, features.Length);
        Assert.Equal(reference.Length, features.Length);
        var maxDiff = features.Zip(reference, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(maxDiff <= 1e-4, $"max |diff| {maxDiff:E2}");
        Assert.True(features.Max() - features.Min() > 1, "features vary");
    }

    [Fact]
    public void SilenceIsTheClampedFloor()
    {
        var features = new LogMelSpectrogram().Compute(new float[1600]);
        Assert.All(features, v => Assert.Equal(-1.5f, v)); // (log10(1e-10) + 4) / 4
    }

    [Fact]
    public void RejectsTooShortInputAndBadBinCounts()
    {
        Assert.Throws<ArgumentException>(() => new LogMelSpectrogram().Compute(new float[200]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LogMelSpectrogram(64));
        var withNaN = new float[800];
        withNaN[10] = float.NaN;
        withNaN[20] = float.PositiveInfinity;
        Assert.All(new LogMelSpectrogram().Compute(withNaN), v => Assert.True(float.IsFinite(v)));
    }

    private static float[] Reference(float[] audio, int melBins)
    {
        var dir = Path.Combine(Path.GetTempPath(), "fastav-logmel-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var input = Path.Combine(dir, "in.f32");
            var output = Path.Combine(dir, "out.f32");
            var bytes = new byte[audio.Length * 4];
            Buffer.BlockCopy(audio, 0, bytes, 0, bytes.Length);
            File.WriteAllBytes(input, bytes);
            var script = Path.Combine(AppContext.BaseDirectory, "reference", "log_mel_reference.py");
            MediaClips.Run("/usr/bin/python3", $"\"{script}\" \"{input}\" \"{output}\" {melBins}");
            var result = File.ReadAllBytes(output);
            var values = new float[result.Length / 4];
            Buffer.BlockCopy(result, 0, values, 0, result.Length);
            return values;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
