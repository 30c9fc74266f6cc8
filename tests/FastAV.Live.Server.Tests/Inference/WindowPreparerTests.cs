using FastAV.Live.Media;
using FastAV.Live.Server.Inference;

namespace FastAV.Live.Server.Tests.Inference;

public sealed class WindowPreparerTests
{
    private static readonly WindowFeaturizer Featurizer = new(TinyModel.Model);
    private static readonly WindowPreparer Preparer = new(Featurizer, 32);

    private static SampledFrame Frame(long tickUs, byte value, int side = 32) =>
        new(new DecodedFrame(side, side, tickUs, Enumerable.Repeat(value, side * side * 3).ToArray()), tickUs, tickUs / 500_000);

    private static MediaWindow Window(IReadOnlyList<SampledFrame> frames, int missing = 0, bool partial = false) =>
        new(0, 1_000_000, 2_000_000, frames, new float[16000], missing, partial);

    [Fact]
    public void AWindowAlwaysGetsTheModelsFrameCount()
    {
        var black = Preparer.Prepare(Window([]), 0);
        Assert.Equal(0, black.FramesPresent);
        Assert.All(black.Pixels, v => Assert.Equal(-1f, v, 6)); // black, normalised

        var one = Preparer.Prepare(Window([Frame(1_000_000, 255)]), 0);
        Assert.Equal(1, one.FramesPresent);
        Assert.All(one.Pixels, v => Assert.Equal(1f, v, 6)); // the only frame repeated

        var three = Preparer.Prepare(Window([Frame(1_000_000, 0), Frame(1_500_000, 255), Frame(1_900_000, 0)]), 0);
        Assert.Equal(2, three.FramesPresent);
        Assert.Equal(Featurizer.Pixels([new byte[3072], Enumerable.Repeat((byte)255, 3072).ToArray()], 32, 32), three.Pixels);

        // A frame of another size than the window's first (a resolution change mid-window) is replaced by its predecessor.
        var mixed = Preparer.Prepare(Window([Frame(1_000_000, 255), Frame(1_500_000, 0, side: 16)]), 0);
        Assert.All(mixed.Pixels, v => Assert.Equal(1f, v, 6));
    }

    [Fact]
    public void APartialWindowEndsWhereItsMediaEnds()
    {
        Assert.Equal(2_000_000, Preparer.Prepare(Window([Frame(1_000_000, 0)]), 0).EndPtsUs);
        var partial = Preparer.Prepare(Window([Frame(1_000_000, 0)], missing: 12000, partial: true), 42);
        Assert.Equal(1_250_000, partial.EndPtsUs); // a quarter second of audio arrived
        Assert.Equal(42, partial.ReadyTimestamp);
        Assert.Equal(1_500_000, Preparer.Prepare(Window([Frame(1_000_000, 0), Frame(1_500_000, 0)], missing: 16000, partial: true), 0).EndPtsUs);
    }
}
