using FastAV.Live.Models.Audio;
using FastAV.Live.Torch;

namespace FastAV.Live.Models.Tests.Audio;

public sealed class MelWindowTests
{
    [Theory]
    [InlineData(1.0, 100)]
    [InlineData(0.37, 37)]
    [InlineData(2.5, 250)]
    [InlineData(30.0, 3000)]
    [InlineData(0.005, 1)]
    [InlineData(0.333, 33)]
    public void WindowsHaveAHundredFramesPerSecond(double seconds, int frames) => Assert.Equal(frames, MelWindow.FrameCount(seconds));

    [Fact]
    public void SilenceIsTwoBelowThePeakButNeverBelowTheLogFloor()
    {
        Assert.Equal(-1f, MelWindow.SilenceValue(1f));
        Assert.Equal(-0.5f, MelWindow.SilenceValue(1.5f));
        Assert.Equal(-1.5f, MelWindow.SilenceValue(0.2f)); // log10(1e-10) = -10 -> (-10 + 4) / 4
        Assert.Equal(-1.5f, MelWindow.SilenceValue(-1.5f));
    }

    [Fact]
    public void LongWindowsAreTrimmedAtTheEnd()
    {
        using var scope = new TensorScope();
        var mel = Torch.Torch.Arange(0, 10, 1, DType.Float32).Reshape(2, 5);
        Assert.Equal([0f, 1f, 2f, 5f, 6f, 7f], MelWindow.Fit(mel, 3).Contiguous().ToArray<float>());
        Assert.Equal(mel.ToArray<float>(), MelWindow.Fit(mel, 5).Contiguous().ToArray<float>());
    }

    [Fact]
    public void ShortWindowsArePaddedWithSilence()
    {
        using var scope = new TensorScope();
        var mel = Torch.Torch.FromArray(new float[] { 0.5f, 1.25f, -0.5f, 0f }, 2, 2);
        var silence = 1.25f - 2f;
        Assert.Equal([0.5f, 1.25f, silence, -0.5f, 0f, silence], MelWindow.Fit(mel, 3).ToArray<float>());
        Assert.Equal([0.5f, 1.25f, 9f, 9f, -0.5f, 0f, 9f, 9f], MelWindow.Fit(mel, 4, padValue: 9f).ToArray<float>());
    }

    [Fact]
    public void BadArgumentsAreRejected()
    {
        using var scope = new TensorScope();
        Assert.Throws<ArgumentException>(() => MelWindow.Fit(Torch.Torch.Zeros([80]), 10));
        Assert.Throws<ArgumentException>(() => MelWindow.Fit(Torch.Torch.Zeros([80, 0]), 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => MelWindow.Fit(Torch.Torch.Zeros([80, 4]), 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => MelWindow.FrameCount(MelWindow.MaxSeconds + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => MelWindow.FrameCount(double.NegativeInfinity));
    }
}
