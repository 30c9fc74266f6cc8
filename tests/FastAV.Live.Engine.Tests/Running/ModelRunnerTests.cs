using FastAV.Live.Engine.Cache;
using FastAV.Live.Engine.Pruning;
using FastAV.Live.Engine.Running;
using FastAV.Live.Torch;

namespace FastAV.Live.Engine.Tests.Running;

public sealed class ModelRunnerTests : IDisposable
{
    private readonly TinyDecoder _tiny = new();

    // [10 video][3 audio][separator]
    private static readonly TokenKind[] WindowKinds =
        Enumerable.Repeat(TokenKind.Video, 10).Concat(Enumerable.Repeat(TokenKind.Audio, 3)).Append(TokenKind.Separator).ToArray();

    public void Dispose() => _tiny.Dispose();

    private static long[] Ids(int seed, int count)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (long)random.Next(50)).ToArray();
    }

    private PrefillResult Window(ModelRunner runner, StreamKv stream, long[] ids, long first, long index)
    {
        using var scope = new TensorScope();
        return runner.Prefill(stream, _tiny.Model.Embed(ids), WindowKinds, first, new double[ids.Length], index);
    }

    [Fact]
    public void PruningOffGivesThePlainDecodersLogits()
    {
        var runner = new ModelRunner(_tiny.Model);
        using var stream = runner.CreateStream(_tiny.CacheOptions(500), new StreamingLlmEviction());
        using var plainCache = _tiny.Model.CreateCache();
        long position = 0;
        var blocks = new List<long[]> { Ids(1, 5) };
        for (var w = 0; w < 4; w++) blocks.Add(Ids(10 + w, WindowKinds.Length));

        for (var b = 0; b < blocks.Count; b++)
        {
            var ids = blocks[b];
            var ours = b == 0 ? runner.PrefillPrompt(stream, ids) : Window(runner, stream, ids, position, b - 1);
            float[] plain;
            using (var scope = new TensorScope())
            {
                var positions = Enumerable.Range(0, ids.Length).Select(i => position + i).ToArray();
                var logits = _tiny.Model.Forward(ids, positions, plainCache);
                plain = logits.Narrow(0, ids.Length - 1, 1).ToArray<float>();
            }

            position += ids.Length;
            Assert.Equal(plain.Length, ours.LastLogits.Length);
            var worst = plain.Zip(ours.LastLogits, (a, c) => Math.Abs(a - c)).Max();
            Assert.True(worst <= 1e-5, $"block {b}: logits differ by {worst}");
            Assert.All(ours.KeptPerLayer, k => Assert.Equal(ids.Length, k.Length));
            Assert.Equal(1.0, ours.Flops.Ratio, 12);
        }

        for (var l = 0; l < 4; l++) Assert.Equal(position, stream.Tensors[l].Count);
    }

    [Fact]
    public void GlobalAndFinePruningKeepExactlyTheConfiguredSets()
    {
        var fine = new FinePruner(new FinePrunerOptions { DropRatio = 0.25 });
        var runner = new ModelRunner(_tiny.Model, new KeepFirstPolicy(new KeepFirstOptions { MediaTokensKept = 8 }), fine);
        Assert.Equal(2, runner.GlobalLayer);
        using var stream = runner.CreateStream(_tiny.CacheOptions(500), new StreamingLlmEviction());
        runner.PrefillPrompt(stream, Ids(1, 5));
        var result = Window(runner, stream, Ids(2, WindowKinds.Length), 5, 0);

        var all = Enumerable.Range(0, 14).ToArray();
        Assert.Equal(all, result.KeptPerLayer[0]);
        Assert.Equal(all, result.KeptPerLayer[1]);
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7, 13], result.KeptPerLayer[2]);

        // Layer 3: the fine pruner over layer 2's last-query row, 8 media → floor(0.25·8) = 2 dropped.
        var atTwo = result.KeptPerLayer[2];
        var expected = fine.SelectKept(result.BlockScores[2], atTwo.Select(i => WindowKinds[i]).ToArray()).Select(j => atTwo[j]);
        Assert.Equal(expected, result.KeptPerLayer[3]);
        Assert.Equal(7, result.KeptPerLayer[3].Length);
        var lowest = atTwo.Take(8).OrderBy(i => result.BlockScores[2][Array.IndexOf(atTwo, i)]).Take(2);
        Assert.DoesNotContain(result.KeptPerLayer[3], i => lowest.Contains(i));

        Assert.Equal([14, 14, 9, 7], result.Flops.TokensPerLayer);
        Assert.Equal([5 + 14, 5 + 14, 5 + 9, 5 + 7], Enumerable.Range(0, 4).Select(l => stream.Tensors[l].Count));
        Assert.True(result.Flops.Ratio < 1);
        foreach (var row in result.BlockScores) Assert.InRange(row.Sum(), 0f, 1.0001f);
    }

    [Fact]
    public void FinePruningScoresEqualAnExplicitFullAttention()
    {
        var runner = new ModelRunner(_tiny.Model, new KeepFirstPolicy(new KeepFirstOptions { MediaTokensKept = 9 }), new FinePruner());
        using var stream = runner.CreateStream(_tiny.CacheOptions(500), new StreamingLlmEviction());
        var ids = Ids(3, WindowKinds.Length);
        var result = Window(runner, stream, ids, 0, 0);
        var kept = result.KeptPerLayer[2];

        // Input of layer 2 from the plain decoder, then the layer's attention computed here in full: [heads, T, T].
        float[] hidden;
        using (var scope = new TensorScope())
        using (var cache = _tiny.Model.CreateCache())
        {
            var h = _tiny.Model.RunLayers(_tiny.Model.Embed(ids), Enumerable.Range(0, ids.Length).Select(i => (long)i).ToArray(), cache, 0, 2);
            hidden = h.IndexSelect(0, Torch.Torch.FromArray(kept.Select(i => (long)i).ToArray())).ToArray<float>();
        }

        var explicitRow = ExplicitAttention.LastRowMeanOverHeads(_tiny, layer: 2, hidden, kept.Select(i => (long)i).ToArray());
        Assert.Equal(explicitRow.Length, result.BlockScores[2].Length);
        for (var i = 0; i < explicitRow.Length; i++) Assert.True(Math.Abs(explicitRow[i] - result.BlockScores[2][i]) <= 1e-5, $"token {i}: {explicitRow[i]} vs {result.BlockScores[2][i]}");
    }

    [Fact]
    public void QuestionAwareScoresComeFromTheQuestionsLastTokenAndTheQuestionIsNotCached()
    {
        var runner = new ModelRunner(_tiny.Model, new KeepFirstPolicy(new KeepFirstOptions { MediaTokensKept = 9 }), new FinePruner());
        using var stream = runner.CreateStream(_tiny.CacheOptions(500), new StreamingLlmEviction());
        var ids = Ids(3, WindowKinds.Length);
        long[] question = [7, 8, 9];
        PrefillResult result;
        using (var scope = new TensorScope())
        {
            result = runner.Prefill(stream, _tiny.Model.Embed(ids), WindowKinds, 0, new double[14], 0, queryIds: question);
        }

        // Layer 0 sees the embeddings themselves: the explicit row of the question's last token over window + question.
        float[] hidden;
        using (var scope = new TensorScope())
        {
            hidden = _tiny.Model.Embed([.. ids, .. question]).ToArray<float>();
        }

        var explicitRow = ExplicitAttention.LastRowMeanOverHeads(_tiny, 0, hidden, Enumerable.Range(0, 17).Select(i => (long)i).ToArray());
        Assert.Equal(14, result.BlockScores[0].Length);
        for (var i = 0; i < 14; i++) Assert.True(Math.Abs(explicitRow[i] - result.BlockScores[0][i]) <= 1e-5, $"token {i}");

        Assert.Equal([14, 14, 10, 9], result.KeptPerLayer.Select(k => k.Length)); // 9 media + separator at K; floor(0.2 · 9) = 1 dropped after
        Assert.Equal([14, 14, 10, 9], Enumerable.Range(0, 4).Select(l => stream.Tensors[l].Count));
        Assert.All(Enumerable.Range(0, 4), l => Assert.DoesNotContain(stream.Cache.Layer(l).Rows.ToArray(), r => r.Kind == TokenKind.Question));
        Assert.Equal([17, 17, 13, 12], result.Flops.TokensPerLayer);
    }

    [Fact]
    public void AnAnswersTokenProbabilitiesAreTheSoftmaxOfThePlainDecodersLogitsAtTheChosenTokens()
    {
        var runner = new ModelRunner(_tiny.Model);
        using var stream = runner.CreateStream(_tiny.CacheOptions(500), new StreamingLlmEviction());
        var prompt = Ids(1, 5);
        var window = Ids(10, WindowKinds.Length);
        var question = Ids(99, 6);
        runner.PrefillPrompt(stream, prompt);
        Window(runner, stream, window, prompt.Length, 0);
        var answer = runner.Answer(stream, question, maxNewTokens: 4);
        Assert.Equal(answer.Tokens.Length, answer.TokenProbabilities.Length);

        // The plain decoder over the same tokens, one answer token at a time.
        using var plainCache = _tiny.Model.CreateCache();
        long[] feed = [.. prompt, .. window, .. question];
        long position = 0;
        for (var i = 0; i < answer.Tokens.Length; i++)
        {
            float[] last;
            using (var scope = new TensorScope())
            {
                var logits = _tiny.Model.Forward(feed, Enumerable.Range(0, feed.Length).Select(k => position + k).ToArray(), plainCache);
                last = logits.Narrow(0, feed.Length - 1, 1).ToArray<float>();
            }

            position += feed.Length;
            var top = last.Max();
            var sum = last.Sum(l => Math.Exp(l - top));
            Assert.Equal(Array.IndexOf(last, top), answer.Tokens[i]); // greedy
            Assert.Equal(1 / sum, answer.TokenProbabilities[i], 1e-5);
            feed = [answer.Tokens[i]];
        }
    }

    [Fact]
    public void QuestionRollbackLeavesTheCacheBitwiseUnchanged()
    {
        var runner = new ModelRunner(_tiny.Model, new KeepFirstPolicy(new KeepFirstOptions { MediaTokensKept = 6 }), new FinePruner());
        using var stream = runner.CreateStream(_tiny.CacheOptions(30), new A2sfEviction(new A2sfOptions { RecentKept = 4 }));
        runner.PrefillPrompt(stream, Ids(1, 5));
        for (var w = 0; w < 3; w++) Window(runner, stream, Ids(20 + w, WindowKinds.Length), 5 + 14 * w, w);

        var before = StreamSnapshot.Of(stream);
        var first = runner.Answer(stream, Ids(99, 6), maxNewTokens: 5);
        var after = StreamSnapshot.Of(stream);
        Assert.Equal(before, after);
        Assert.Equal(5, first.Tokens.Length);
        var second = runner.Answer(stream, Ids(99, 6), maxNewTokens: 5);
        Assert.Equal(first.Tokens, second.Tokens);
        Assert.Equal(before, StreamSnapshot.Of(stream));
        Assert.Equal(4, first.DecodeFlops.TokensPerLayer[0]);

        var stopped = runner.Answer(stream, Ids(99, 6), maxNewTokens: 5, endOfSequence: first.Tokens[0]);
        Assert.Equal([first.Tokens[0]], stopped.Tokens);
    }

    [Fact]
    public void StepwiseAnswersMatchTheWholeAnswerAndBlockPrefillsMeanwhile()
    {
        var runner = new ModelRunner(_tiny.Model, new KeepFirstPolicy(new KeepFirstOptions { MediaTokensKept = 6 }), new FinePruner());
        using var stream = runner.CreateStream(_tiny.CacheOptions(60), new StreamingLlmEviction());
        runner.PrefillPrompt(stream, Ids(1, 5));
        Window(runner, stream, Ids(30, WindowKinds.Length), 5, 0);
        var whole = runner.Answer(stream, Ids(98, 4), maxNewTokens: 4);
        var before = StreamSnapshot.Of(stream);

        var answer = runner.BeginAnswer(stream, Ids(98, 4), maxNewTokens: 4);
        Assert.Same(answer, stream.ActiveAnswer);
        Assert.Throws<InvalidOperationException>(() => Window(runner, stream, Ids(31, WindowKinds.Length), 19, 1));
        Assert.Throws<InvalidOperationException>(() => runner.BeginAnswer(stream, Ids(98, 4)));
        while (!answer.IsFinished) runner.DecodeStep(answer);
        Assert.Throws<InvalidOperationException>(() => runner.DecodeStep(answer));
        var result = runner.EndAnswer(answer);
        Assert.Null(stream.ActiveAnswer);
        Assert.Equal(whole.Tokens, result.Tokens);
        Assert.Equal(before, StreamSnapshot.Of(stream));
        Assert.Equal(result.Tokens, runner.EndAnswer(answer).Tokens); // ending twice changes nothing
        Assert.Throws<InvalidOperationException>(() => runner.DecodeStep(answer));
    }

    [Fact]
    public void ManyWindowsStayWithinBudgetWithTensorsAndBookkeepingInStep()
    {
        var runner = new ModelRunner(_tiny.Model, new KeepFirstPolicy(new KeepFirstOptions { MediaTokensKept = 6 }), new FinePruner());
        var options = _tiny.CacheOptions(40) with { MaxPositions = 120 };
        using var stream = runner.CreateStream(options, new StreamingLlmEviction());
        runner.PrefillPrompt(stream, Ids(1, 5));
        long timeline = 5;
        for (var w = 0; w < 60; w++)
        {
            Window(runner, stream, Ids(100 + w, WindowKinds.Length), timeline, w);
            timeline += WindowKinds.Length;
            for (var l = 0; l < 4; l++)
            {
                var book = stream.Cache.Layer(l);
                var kv = stream.Tensors[l];
                Assert.True(book.Count <= book.MaxTokens);
                Assert.Equal(book.Count, kv.Count);
                Assert.Equal(book.Rows.ToArray().Select(r => (long)r.Position), kv.Positions.ToArray());
                Assert.True(book.MaxPosition + options.QuestionReserve < options.MaxPositions);
            }
        }

        Assert.True(timeline > options.MaxPositions * 5);
        Assert.True(stream.Cache.EvictedCount > 0);
        Assert.Equal(5, runner.Answer(stream, Ids(7, 4), maxNewTokens: 5).Tokens.Length);
    }

    [Fact]
    public void MalformedCallsAreRejected()
    {
        var runner = new ModelRunner(_tiny.Model);
        using var stream = runner.CreateStream(_tiny.CacheOptions(100), new StreamingLlmEviction());
        Assert.Throws<ArgumentException>(() => runner.CreateStream(_tiny.CacheOptions(100) with { LayerCount = 3 }, new StreamingLlmEviction()));
        Assert.Throws<ArgumentException>(() => runner.CreateStream(_tiny.CacheOptions(100) with { BytesPerTokenPerLayer = 7 }, new StreamingLlmEviction()));
        Assert.Throws<ArgumentException>(() => runner.CreateStream(_tiny.CacheOptions(100) with { MaxPositions = 4096 }, new StreamingLlmEviction()));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ModelRunner(_tiny.Model, options: new ModelRunnerOptions { GlobalLayer = 4 }));
        Assert.Throws<ArgumentException>(() => new ModelRunner(_tiny.Model, new DivPrunePolicy()));
        using (var scope = new TensorScope())
        {
            var wrong = _tiny.Model.Embed(Ids(1, 3));
            Assert.Throws<ArgumentException>(() => runner.Prefill(stream, wrong, WindowKinds, 0, new double[14], 0));
            Assert.Throws<ArgumentException>(() => runner.Prefill(stream, wrong, [], 0, [], 0));
        }

        Assert.Throws<ArgumentException>(() => runner.Answer(stream, [], 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => runner.Answer(stream, [1, 2], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => runner.Answer(stream, Ids(1, 20), 1020));
        Assert.Throws<ArgumentOutOfRangeException>(() => runner.PrefillPrompt(stream, [1, 2, 500]));
        Assert.All(Enumerable.Range(0, 4), l => Assert.Equal(0, stream.Tensors[l].Count));
    }

    [Fact]
    public void PoliciesBeforeTheLlmChooseWhatEntersLayerZero()
    {
        var divPrune = new DivPrunePolicy(new DivPruneOptions { KeepRatio = 0.5 });
        var runner = new ModelRunner(_tiny.Model, beforeLlmPolicy: divPrune);
        using var stream = runner.CreateStream(_tiny.CacheOptions(100), new StreamingLlmEviction());
        var ids = Ids(4, WindowKinds.Length);
        PrefillResult result;
        float[] features;
        using (var scope = new TensorScope())
        {
            var embeddings = _tiny.Model.Embed(ids);
            features = embeddings.ToArray<float>();
            result = runner.Prefill(stream, embeddings, WindowKinds, 0, new double[14], 0);
        }

        var expected = divPrune.SelectKept(new PruningContext { Kinds = WindowKinds, Features = features, FeatureDim = 32 });
        Assert.Equal(expected, result.KeptPerLayer[0]);
        Assert.Equal(8, expected.Length); // round(6.5) = 7 media + separator
        Assert.All(result.KeptPerLayer, k => Assert.Equal(expected, k));
        Assert.Equal(8, stream.Tensors[3].Count);
        Assert.Equal(expected.Select(i => (long)i), stream.Tensors[0].Positions.ToArray()); // gaps of dropped tokens kept

        var fasterVlm = new ModelRunner(_tiny.Model, beforeLlmPolicy: new FasterVlmPolicy(new FasterVlmOptions { KeepRatio = 0.25 }));
        using var other = fasterVlm.CreateStream(_tiny.CacheOptions(100), new StreamingLlmEviction());
        var attention = Enumerable.Range(0, 14).Select(i => i is 2 or 5 or 9 ? 1f : 0f).ToArray();
        using (var scope = new TensorScope())
        {
            var r = fasterVlm.Prefill(other, _tiny.Model.Embed(ids), WindowKinds, 0, new double[14], 0, encoderAttention: attention);
            Assert.Equal([2, 5, 9, 13], r.KeptPerLayer[0]);
            Assert.InRange(r.Flops.Ratio, 0.2, 0.35); // 4 of 14 tokens through every layer
            Assert.Throws<ArgumentException>(() => fasterVlm.Prefill(other, _tiny.Model.Embed(ids), WindowKinds, 0, new double[14], 1));
            Assert.Throws<ArgumentOutOfRangeException>(() => fasterVlm.Prefill(other, _tiny.Model.Embed(ids), WindowKinds, 0, new double[14], 1, frameOfToken: Enumerable.Repeat(1_000_000, 14).ToArray()));
        }

        Assert.Throws<ArgumentException>(() => new ModelRunner(_tiny.Model, beforeLlmPolicy: new KeepFirstPolicy()));
    }

    [Fact]
    public void AHostilePolicyIsRejectedAndLeavesTheStreamAsItWas()
    {
        foreach (var answer in new[] { new[] { 3, 1, 13 }, new[] { 0, 1, 2 }, new[] { 0, 99 } })
        {
            var runner = new ModelRunner(_tiny.Model, new FixedAnswerPolicy(answer));
            using var stream = runner.CreateStream(_tiny.CacheOptions(100), new StreamingLlmEviction());
            runner.PrefillPrompt(stream, Ids(1, 5));
            var before = StreamSnapshot.Of(stream);
            Assert.Throws<InvalidOperationException>(() => Window(runner, stream, Ids(2, WindowKinds.Length), 5, 0));
            Assert.Equal(before, StreamSnapshot.Of(stream));
        }
    }
}
