using FastAV.Live.Engine.Pruning;

namespace FastAV.Live.Engine.Tests.Pruning;

public sealed class GlobalPolicyTests
{
    // [prompt][6 video][2 audio][separator]: media are 1..8.
    internal static readonly TokenKind[] Block =
    [
        TokenKind.Prompt, TokenKind.Video, TokenKind.Video, TokenKind.Video, TokenKind.Video, TokenKind.Video,
        TokenKind.Video, TokenKind.Audio, TokenKind.Audio, TokenKind.Separator,
    ];

    internal static readonly float[] Attention = [0.5f, 0.1f, 0.9f, 0.3f, 0.8f, 0.2f, 0.7f, 0.05f, 0.6f, 0.4f];

    [Fact]
    public void KeepFirstKeepsTheEarliestMediaAndEveryNonMediaToken()
    {
        var kept = new KeepFirstPolicy(new KeepFirstOptions { MediaTokensKept = 3 }).SelectKept(new PruningContext { Kinds = Block });
        Assert.Equal([0, 1, 2, 3, 9], kept);
        var all = new KeepFirstPolicy(new KeepFirstOptions { MediaTokensKept = 750 }).SelectKept(new PruningContext { Kinds = Block });
        Assert.Equal(Enumerable.Range(0, 10), all);
    }

    [Fact]
    public void RandomIsSeededSizedAndUniform()
    {
        var context = new PruningContext { Kinds = Block };
        var a = new RandomPolicy(new RandomOptions { KeepRatio = 0.5, Seed = 7 }).SelectKept(context);
        var b = new RandomPolicy(new RandomOptions { KeepRatio = 0.5, Seed = 7 }).SelectKept(context);
        Assert.Equal(a, b);
        Assert.Equal(6, a.Length); // 4 of 8 media + prompt + separator
        Assert.Contains(0, a);
        Assert.Contains(9, a);
        Assert.Equal(a.Order(), a);

        var hits = new int[10];
        for (var seed = 0; seed < 2000; seed++)
        {
            foreach (var i in new RandomPolicy(new RandomOptions { KeepRatio = 0.5, Seed = seed }).SelectKept(context)) hits[i]++;
        }

        for (var i = 1; i <= 8; i++) Assert.InRange(hits[i] / 2000.0, 0.44, 0.56);
    }

    [Fact]
    public void LowAttentiveKeepsTheMostAttendedMedia()
    {
        var kept = new LowAttentivePolicy(new LowAttentiveOptions { KeepRatio = 0.5 })
            .SelectKept(new PruningContext { Kinds = Block, QueryAttention = Attention });
        Assert.Equal([0, 2, 4, 6, 8, 9], kept);
    }

    [Fact]
    public void FastVDropsTheShareRWithTheLowestAttention()
    {
        var policy = new FastVPolicy(new FastVOptions { DropRatio = 0.25 });
        Assert.Equal(2, policy.Layer);
        Assert.Equal(1, policy.ScoreLayer);
        var kept = policy.SelectKept(new PruningContext { Kinds = Block, QueryAttention = Attention });
        Assert.Equal([0, 2, 3, 4, 5, 6, 8, 9], kept); // 0.05 (7) and 0.1 (1) go
    }

    [Fact]
    public void TiesKeepTheEarlierToken()
    {
        var flat = Enumerable.Repeat(0.1f, 10).ToArray();
        var kept = new LowAttentivePolicy(new LowAttentiveOptions { KeepRatio = 0.25 })
            .SelectKept(new PruningContext { Kinds = Block, QueryAttention = flat });
        Assert.Equal([0, 1, 2, 9], kept);
    }

    [Fact]
    public void DartKeepsPivotsAndDropsTheirDuplicates()
    {
        TokenKind[] kinds = [TokenKind.Prompt, TokenKind.Video, TokenKind.Video, TokenKind.Video, TokenKind.Video, TokenKind.Separator];
        float[] keys =
        [
            0, 0,
            3, 0,      // 1: largest L1 → pivot
            0, 1,      // 2: orthogonal to the pivot
            2, 0.1f,   // 3: a near-duplicate of the pivot (L1 2.1, but cos ≈ 0.999)
            0.1f, 1.5f, // 4: cos ≈ 0.066
            0, 0,
        ];
        var kept = new DartPolicy(new DartOptions { KeepRatio = 0.5, PivotCount = 1 })
            .SelectKept(new PruningContext { Kinds = kinds, Keys = keys, KeyDim = 2 });
        Assert.Equal([0, 1, 2, 5], kept);

        var three = new DartPolicy(new DartOptions { KeepRatio = 0.75, PivotCount = 1 })
            .SelectKept(new PruningContext { Kinds = kinds, Keys = keys, KeyDim = 2 });
        Assert.Equal([0, 1, 2, 4, 5], three);
    }

    [Fact]
    public void MissingOrMisshapenInputsGiveClearErrors()
    {
        var noScores = new PruningContext { Kinds = Block };
        var ex = Assert.Throws<ArgumentException>(() => new LowAttentivePolicy().SelectKept(noScores));
        Assert.Contains("QueryAttention", ex.Message);
        Assert.Throws<ArgumentException>(() => new FastVPolicy().SelectKept(new PruningContext { Kinds = Block, QueryAttention = [1f, 2f] }));
        Assert.Throws<ArgumentException>(() => new DartPolicy().SelectKept(new PruningContext { Kinds = Block, Keys = new float[7], KeyDim = 2 }));
        Assert.Throws<ArgumentException>(() => new DartPolicy().SelectKept(new PruningContext { Kinds = Block, Keys = new float[20], KeyDim = 0 }));
        var nan = (float[])Attention.Clone();
        nan[3] = float.NaN;
        Assert.Throws<ArgumentException>(() => new LowAttentivePolicy().SelectKept(new PruningContext { Kinds = Block, QueryAttention = nan }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomPolicy(new RandomOptions { KeepRatio = 1.5 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new KeepFirstPolicy(new KeepFirstOptions { MediaTokensKept = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FastVPolicy(new FastVOptions { Layer = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DartPolicy(new DartOptions { PivotCount = 0 }));
    }

    [Fact]
    public void EmptyAndMediaFreeBlocksKeepEverything()
    {
        Assert.Empty(new KeepFirstPolicy().SelectKept(new PruningContext { Kinds = [] }));
        TokenKind[] text = [TokenKind.Prompt, TokenKind.Question];
        Assert.Equal([0, 1], new LowAttentivePolicy().SelectKept(new PruningContext { Kinds = text, QueryAttention = [0f, 0f] }));
    }
}
