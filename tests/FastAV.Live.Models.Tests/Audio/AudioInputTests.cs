using FastAV.Live.Models.Audio;
using FastAV.Live.Models.Tests.Projectors;
using FastAV.Live.Torch;

namespace FastAV.Live.Models.Tests.Audio;

/// <summary>Malformed, truncated and oversized log-mel windows: clear ArgumentExceptions, never a crash.</summary>
[Collection(EncoderReferenceCollection.Name)]
public sealed class AudioInputTests(EncoderReferenceFile reference)
{
    [Fact]
    public void BadMelTensorsAreRejected()
    {
        var c = reference["whisper80"];
        using var tower = new AudioTower(c.AudioConfig(), c.Weights);
        using var scope = new TensorScope();
        var wrongBins = Assert.Throws<ArgumentException>(() => tower.Embed(Torch.Torch.Zeros([128, 100]), 1.0));
        Assert.Contains("mel must be [80, frames], got [128, 100]", wrongBins.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => tower.Embed(Torch.Torch.Zeros([80]), 1.0));
        Assert.Throws<ArgumentException>(() => tower.Embed(Torch.Torch.Zeros([1, 80, 100]), 1.0));
        Assert.Throws<ArgumentException>(() => tower.Embed(Torch.Torch.Zeros([80, 0]), 1.0));
        Assert.Throws<ArgumentException>(() => tower.Embed(Torch.Torch.Zeros([80, 100], DType.Int64), 1.0));
        Assert.Throws<ArgumentNullException>(() => tower.Embed((Tensor)null!, 1.0));

        // The encoder itself: batched input works, too many frames for the position table do not.
        Assert.Equal([2L, 50L, 32L], tower.Encoder.Forward(Torch.Torch.Zeros([2, 80, 100])).Shape);
        var tooLong = Assert.Throws<ArgumentException>(() => tower.Encoder.Forward(Torch.Torch.Zeros([80, 129])));
        Assert.Contains("129 mel frames exceed the encoder's 128 (64 positions)", tooLong.Message, StringComparison.Ordinal);
        Assert.Equal([1L, 64L, 32L], tower.Encoder.Forward(Torch.Torch.Zeros([80, 128])).Shape);
        Assert.Throws<ArgumentException>(() => tower.Encoder.Forward(Torch.Torch.Zeros([0, 80, 10])));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(0.004)] // less than one frame
    [InlineData(1.29)] // 129 frames: beyond the 64-position table
    [InlineData(1e9)]
    public void ImpossibleWindowLengthsAreRejected(double seconds)
    {
        var c = reference["whisper80"];
        using var tower = new AudioTower(c.AudioConfig(), c.Weights);
        using var scope = new TensorScope();
        Assert.Throws<ArgumentOutOfRangeException>(() => tower.Embed(Torch.Torch.Zeros([80, 100]), seconds));
        Assert.Throws<ArgumentOutOfRangeException>(() => tower.TokenCount(seconds));
    }

    [Fact]
    public void FlatArraysMustHoldWholeFrames()
    {
        var c = reference["whisper80"];
        using var tower = new AudioTower(c.AudioConfig(), c.Weights);
        Assert.Throws<ArgumentException>(() => tower.Embed(ReadOnlySpan<float>.Empty, 1.0));
        Assert.Throws<ArgumentException>(() => tower.Embed(new float[80 * 100 - 1], 1.0));
        using var scope = new TensorScope();
        Assert.Equal([25L, 40L], tower.Embed(new float[80 * 3], 1.0).Shape); // 3 frames, padded with silence to 100
    }

    [Fact]
    public void PaddedTowersLimitWindowsToThePaddedLength()
    {
        var c = reference["whisper_padded"];
        using var tower = new AudioTower(c.AudioConfig(), c.Weights);
        Assert.Equal(60, tower.TokenCount(1.2));
        Assert.Throws<ArgumentOutOfRangeException>(() => tower.TokenCount(1.21));
        using var scope = new TensorScope();
        Assert.Equal([80L, 120L], tower.EncoderInput(Torch.Torch.Zeros([80, 10]), 0.1).Shape);
    }

    [Fact]
    public void TokenCountsFollowTheRate()
    {
        var c = reference["whisper128"];
        using var tower = new AudioTower(c.AudioConfig(), c.Weights); // 10 tokens/s: groups of 5 positions
        Assert.Equal(10, tower.TokenCount(1.0));
        Assert.Equal(20, tower.TokenCount(2.0));
        Assert.Equal(4, tower.TokenCount(0.37)); // 37 frames -> 19 positions -> 4 tokens
        Assert.Equal(1, tower.TokenCount(0.01));
    }
}
