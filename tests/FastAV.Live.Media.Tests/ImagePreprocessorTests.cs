namespace FastAV.Live.Media.Tests;

public sealed class ImagePreprocessorTests
{
    private static readonly ImagePreprocessorOptions Plain = new() { Height = 4, Width = 4, Mean = [0f, 0f, 0f], Std = [1f, 1f, 1f] };

    [Fact]
    public void NormalisesWithMeanAndStdIntoFramesChannelsHeightWidth()
    {
        var p = new ImagePreprocessor(new ImagePreprocessorOptions { Height = 3, Width = 5 });
        var frames = new[] { Solid(8, 6, 255, 0, 128), Solid(10, 10, 0, 255, 0) };
        var x = p.Process(frames);
        Assert.Equal(2 * 3 * 3 * 5, x.Length);
        Assert.Equal((1 - 0.48145466f) / 0.26862954f, x[0], 5);              // frame 0, R
        Assert.Equal((0 - 0.4578275f) / 0.26130258f, x[15], 5);              // frame 0, G
        Assert.Equal(((128 / 255f) - 0.40821073f) / 0.27577711f, x[30], 5);  // frame 0, B
        Assert.Equal((1 - 0.4578275f) / 0.26130258f, x[45 + 15 + 14], 5);    // frame 1, G, last pixel
    }

    [Fact]
    public void BilinearUpscaleUsesHalfPixelCentres()
    {
        // 2x1 picture (R = 0 | 255) to 4x2: centres map to x = -0.25, 0.25, 0.75, 1.25 → clamped 0, 0.25, 0.75, 1.
        var frame = new DecodedFrame(2, 1, 0, [0, 0, 0, 255, 0, 0]);
        var x = new ImagePreprocessor(Plain with { Height = 2, Width = 4 }).Process([frame]);
        Assert.Equal([0f, 0.25f, 0.75f, 1f], x[..4].Select(v => MathF.Round(v, 5)));
    }

    [Fact]
    public void CentreCropCutsTheLongerSideAndPadFillsWithTheMean()
    {
        // 8x4: left half red, right half blue, centre columns 3..4 green.
        var rgb = new byte[8 * 4 * 3];
        for (var y = 0; y < 4; y++)
        {
            for (var x = 0; x < 8; x++)
            {
                var c = x is 3 or 4 ? 1 : x < 4 ? 0 : 2;
                rgb[(((y * 8) + x) * 3) + c] = 255;
            }
        }

        var frame = new DecodedFrame(8, 4, 0, rgb);
        var crop = new ImagePreprocessor(Plain with { Height = 4, Width = 2 }).Process([frame]);
        Assert.All(crop[8..16], v => Assert.Equal(1f, v)); // G plane: the crop is the green centre
        var pad = new ImagePreprocessor(Plain with { Mode = ResizeMode.Pad }).Process([frame]);
        Assert.Equal(0f, pad[0]); // row 0 is padding (8x4 → 4x2, 1 row above)
        Assert.Equal(1f, pad[4]); // row 1, x 0: red
        Assert.Equal(0f, pad[12]); // row 3 is padding
    }

    [Fact]
    public void RejectsInconsistentFramesAndOptions()
    {
        var p = new ImagePreprocessor(Plain);
        Assert.Throws<ArgumentException>(() => p.Process([new DecodedFrame(4, 4, 0, new byte[10])]));
        Assert.Throws<ArgumentException>(() => p.ProcessInto(Solid(4, 4, 1, 1, 1), new float[5]));
        Assert.Throws<ArgumentException>(() => new ImagePreprocessor(Plain with { Std = [1f, 0f, 1f] }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImagePreprocessor(Plain with { Width = 0 }));
    }

    private static DecodedFrame Solid(int w, int h, byte r, byte g, byte b)
    {
        var rgb = new byte[w * h * 3];
        for (var i = 0; i < w * h; i++)
        {
            (rgb[i * 3], rgb[(i * 3) + 1], rgb[(i * 3) + 2]) = (r, g, b);
        }

        return new DecodedFrame(w, h, 0, rgb);
    }
}
