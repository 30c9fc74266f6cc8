using FastAV.Live.Models.Audio;
using FastAV.Live.Torch;

namespace FastAV.Live.Models.Tests.Audio;

public sealed class TimePoolingTests
{
    [Fact]
    public void GroupsAreAveragedAndALastShortGroupKeepsItsOwnMean()
    {
        using var scope = new TensorScope();
        // 5 positions, hidden 2: (p, -10p).
        var tokens = Torch.Torch.FromArray(new float[] { 0, 0, 1, -10, 2, -20, 3, -30, 4, -40 }, 1, 5, 2);
        Assert.Equal([0.5f, -5f, 2.5f, -25f, 4f, -40f], TimePooling.Pool(tokens, 2).ToArray<float>());
        Assert.Equal([1f, -10f, 3.5f, -35f], TimePooling.Pool(tokens, 3).ToArray<float>());
        Assert.Equal([2f, -20f], TimePooling.Pool(tokens, 7).ToArray<float>()); // fewer positions than a group
        Assert.Equal(tokens.ToArray<float>(), TimePooling.Pool(tokens, 1).ToArray<float>());
        Assert.Equal(3, TimePooling.TokenCount(5, 2));
        Assert.Equal(1, TimePooling.TokenCount(5, 7));
    }

    [Fact]
    public void BadArgumentsAreRejected()
    {
        using var scope = new TensorScope();
        Assert.Throws<ArgumentOutOfRangeException>(() => TimePooling.Pool(Torch.Torch.Zeros([1, 4, 2]), 0));
        Assert.Throws<ArgumentException>(() => TimePooling.Pool(Torch.Torch.Zeros([4, 2]), 2));
        Assert.Throws<ArgumentException>(() => TimePooling.Pool(Torch.Torch.Zeros([1, 0, 2]), 2));
    }
}
