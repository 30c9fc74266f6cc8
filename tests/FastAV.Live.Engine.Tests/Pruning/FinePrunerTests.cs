using FastAV.Live.Engine.Pruning;

namespace FastAV.Live.Engine.Tests.Pruning;

public sealed class FinePrunerTests
{
    [Fact]
    public void DropsTheBottomShareOfMediaByLastQueryAttention()
    {
        var pruner = new FinePruner(); // P = 20%
        var kept = pruner.SelectKept(GlobalPolicyTests.Attention, GlobalPolicyTests.Block);
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 8, 9], kept); // floor(0.2 · 8) = 1: token 7 (0.05)
    }

    [Fact]
    public void PromptQuestionAndLastTokenStayWhateverTheirScores()
    {
        TokenKind[] kinds = [TokenKind.Prompt, TokenKind.Question, TokenKind.Video, TokenKind.Video, TokenKind.Video, TokenKind.Video, TokenKind.Video, TokenKind.Video];
        float[] scores = [0f, 0f, 0.9f, 0.8f, 0.1f, 0.7f, 0.2f, 0f];
        var kept = new FinePruner(new FinePrunerOptions { DropRatio = 0.5 }).SelectKept(scores, kinds);
        Assert.Equal([0, 1, 2, 3, 5, 7], kept); // media 2..6 (5): drop 2 lowest (4, 6); 7 is last
    }

    [Fact]
    public void RepeatedLayersPruneMultiplicatively()
    {
        var pruner = new FinePruner();
        var kinds = Enumerable.Repeat(TokenKind.Video, 751).Append(TokenKind.Separator).ToArray();
        var alive = Enumerable.Range(0, kinds.Length).ToArray();
        var counts = new List<int>();
        for (var layer = 15; layer < 28; layer++)
        {
            var k = alive.Select(i => kinds[i]).ToArray();
            var s = alive.Select(i => (float)Math.Sin(i * 0.37)).ToArray();
            alive = pruner.SelectKept(s, k).Select(j => alive[j]).ToArray();
            counts.Add(alive.Length - 1);
        }

        Assert.Equal(601, counts[0]); // 751 − floor(150.2)
        Assert.Equal(481, counts[1]);
        Assert.Equal(kinds.Length - 1, alive[^1]);
    }

    [Fact]
    public void RejectsBadRatiosAndRows()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FinePruner(new FinePrunerOptions { DropRatio = 1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FinePruner(new FinePrunerOptions { DropRatio = -0.1 }));
        Assert.Throws<ArgumentException>(() => new FinePruner().SelectKept([1f], GlobalPolicyTests.Block));
    }
}
