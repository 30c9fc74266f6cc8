using FastAV.Live.Server.Inference;
using FastAV.Live.Torch;

namespace FastAV.Live.Server.Tests.Inference;

public sealed class WindowFeaturizerTests
{
    private static readonly WindowFeaturizer Featurizer = new(TinyModel.Model);

    private static byte[][] Frames(int count, int side = 32) =>
        Enumerable.Range(0, count).Select(f => Enumerable.Range(0, side * side * 3).Select(i => (byte)((i * 7) + f)).ToArray()).ToArray();

    [Fact]
    public void EmbedsOneWindowInTheModelLayout()
    {
        using var scope = new TensorScope();
        var audio = Enumerable.Range(0, 16000).Select(i => 0.3f * MathF.Sin(i * 0.2f)).ToArray();
        var window = Featurizer.Embed(Frames(2), 32, 32, audio);
        Assert.Equal([TinyModel.Model.TokensPerWindow, TinyModel.Model.HiddenSize], window.Shape);
        Assert.All(window.ToArray<float>(), v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void PixelsAreSiglipNormalised()
    {
        var pixels = Featurizer.Pixels([new byte[32 * 32 * 3], Enumerable.Repeat((byte)255, 32 * 32 * 3).ToArray()], 32, 32);
        Assert.Equal(2 * 3 * 32 * 32, pixels.Length);
        Assert.All(pixels.Take(3 * 32 * 32), v => Assert.Equal(-1f, v, 6));
        Assert.All(pixels.Skip(3 * 32 * 32), v => Assert.Equal(1f, v, 6));
    }

    [Fact]
    public void FramesOfAnotherSizeAreResizedToTheModelsInput()
    {
        // A 64x48 camera frame, left half red and right half blue: letterboxed into 32x32 (32x24 picture, 4 rows of the
        // mean colour above and below), the colours stay and nothing of the sides is cut.
        var rgb = new byte[64 * 48 * 3];
        for (var y = 0; y < 48; y++)
        {
            for (var x = 0; x < 64; x++)
            {
                rgb[((y * 64) + x) * 3 + (x < 32 ? 0 : 2)] = 255;
            }
        }

        var pixels = Featurizer.Pixels([rgb, rgb], 64, 48);
        Assert.Equal(2 * 3 * 32 * 32, pixels.Length);
        const int plane = 32 * 32;
        Assert.Equal(1f, pixels[(16 * 32) + 2], 3);          // red channel, left
        Assert.Equal(-1f, pixels[(2 * plane) + (16 * 32) + 2], 3); // blue channel, left
        Assert.Equal(1f, pixels[(2 * plane) + (16 * 32) + 29], 3); // blue channel, right
        Assert.Equal(1f, pixels[(4 * 32) + 0], 3);                 // red at the left edge of the first picture row
        Assert.Equal(1f, pixels[(2 * plane) + (27 * 32) + 31], 3); // blue at the right edge of the last picture row
        Assert.All(Enumerable.Range(0, 32), x => Assert.Equal(0f, pixels[(1 * plane) + (2 * 32) + x])); // padding: the mean
    }

    [Fact]
    public void ShortAudioIsPaddedWithSilenceAndLongAudioCut()
    {
        var audio = Enumerable.Range(0, 16000).Select(i => 0.2f * MathF.Sin(i * 0.05f)).ToArray();
        var shortOne = audio[..12000];
        var padded = shortOne.Concat(new float[4000]).ToArray();
        Assert.Equal(Featurizer.Mel(padded), Featurizer.Mel(shortOne));
        Assert.Equal(Featurizer.Mel(audio), Featurizer.Mel(audio.Concat(new float[500]).ToArray()));
        Assert.Equal(80 * 100, Featurizer.Mel([]).Length);
        Assert.All(Featurizer.Mel(Enumerable.Repeat(float.NaN, 16000).ToArray()), v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void MalformedFramesAreClearErrors()
    {
        Assert.Contains("a window has 2 frames", Assert.Throws<ArgumentException>(() => Featurizer.Pixels(Frames(3), 32, 32)).Message);
        Assert.Contains("RGB24 needs", Assert.Throws<ArgumentException>(() => Featurizer.Pixels([new byte[10], new byte[10]], 32, 32)).Message);
        Assert.Contains("frame 1 is null", Assert.Throws<ArgumentException>(() => Featurizer.Pixels([new byte[32 * 32 * 3], null!], 32, 32)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Featurizer.Pixels(Frames(2), 0, 32));
        Assert.Throws<ArgumentOutOfRangeException>(() => Featurizer.Pixels(Frames(2), 1 << 20, 1 << 20));
    }
}
