using FastAV.Live.Engine.Sessions;
using FastAV.Live.Models.Decoder;
using FastAV.Live.Torch;

namespace FastAV.Live.Engine.Running;

/// <summary>
/// Token-level batching: one step's work across streams in one forward pass. Every answer's token and every window's
/// (pruned) tokens are stacked for the linear layers; attention stays per stream; each window is pruned by its own
/// runner's policies between layers.
/// </summary>
public sealed partial class ModelRunner
{
    /// <summary>
    /// Runs the answer steps and window prefills of one step as one batched forward (all runners must share one model).
    /// Work that fails fails alone: the answer or stream's cache is left as it was before this call.
    /// </summary>
    public static BatchResult RunBatch(IReadOnlyList<AnswerStep> answers, IReadOnlyList<WindowPrefill> windows)
    {
        ArgumentNullException.ThrowIfNull(answers);
        ArgumentNullException.ThrowIfNull(windows);
        var models = answers.Select(a => a.Runner._model).Concat(windows.Select(w => w.Runner._model)).Distinct().Count();
        if (models > 1) throw new ArgumentException("every runner of a batch must share one model", nameof(windows));
        var streams = answers.Select(a => a.Answer.Stream).Concat(windows.Select(w => w.Stream)).ToList();
        if (streams.Distinct().Count() != streams.Count) throw new ArgumentException("a batch holds one piece of work per stream", nameof(windows));

        using var scope = new TensorScope();
        var answerFailures = new Exception?[answers.Count];
        var prefillFailures = new Exception?[windows.Count];
        var runs = new List<LayerRun>();
        var feeds = new FeedRun?[answers.Count];
        var prefills = new PrefillRun?[windows.Count];
        for (var i = 0; i < answers.Count; i++)
        {
            try
            {
                feeds[i] = answers[i].Runner.StartFeed(answers[i].Answer);
                runs.Add(feeds[i]!);
            }
            catch (Exception e) when (Lockstep.IsWorkFailure(e))
            {
                answerFailures[i] = e;
            }
        }

        for (var i = 0; i < windows.Count; i++)
        {
            var (runner, stream, embeddings, window, query) = windows[i];
            try
            {
                ArgumentNullException.ThrowIfNull(window);
                prefills[i] = runner.StartPrefill(stream, embeddings, window.Kinds, window.FirstTimelineIndex, window.MediaTimes, window.Index, window.FrameOfToken, null, query);
                runs.Add(prefills[i]!);
            }
            catch (Exception e) when (Lockstep.IsWorkFailure(e))
            {
                prefillFailures[i] = e;
            }
        }

        var passes = Lockstep.Run(runs);
        for (var i = 0; i < answers.Count; i++) answerFailures[i] ??= feeds[i]!.Failure;
        for (var i = 0; i < windows.Count; i++) prefillFailures[i] ??= prefills[i]!.Failure;
        return new BatchResult
        {
            AnswerFailures = answerFailures,
            Prefills = prefills.Select(p => p?.Result).ToArray(),
            PrefillFailures = prefillFailures,
            ForwardPasses = passes,
        };
    }

    // The next tokens of an answer: its question when nothing was fed yet, else its last token.
    private FeedRun StartFeed(AnswerInProgress answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        if (answer.IsEnded) throw new InvalidOperationException("the answer was ended");
        if (answer.IsFinished) throw new InvalidOperationException("the answer is complete");
        var ids = answer.Offset == 0 ? answer.QuestionIds : [answer.Tokens[^1]];
        return new FeedRun(this, answer, ids);
    }

    /// <summary>A block being prefilled into a stream's cache, layer by layer, with this runner's pruning.</summary>
    private sealed class PrefillRun : LayerRun
    {
        private readonly ModelRunner _runner;
        private readonly Tensor _input;
        private readonly int[] _entering;

        public PrefillRun(ModelRunner runner, StreamKv stream, Tensor input, TokenKind[] allKinds, int[] entering)
            : base(runner._model, stream.Tensors)
        {
            _runner = runner;
            _input = input;
            _entering = entering;
            Stream = stream;
            AllKinds = allKinds;
            HasMedia = allKinds.Any(k => k.IsMedia());
            Kept = new int[runner.LayerCount][];
            BlockScores = new float[runner.LayerCount][];
            Start();
        }

        public StreamKv Stream { get; }

        /// <summary>The block's kinds, the query's rows included.</summary>
        public TokenKind[] AllKinds { get; }

        public bool HasMedia { get; }

        public required Tensor Embeddings { get; init; }

        /// <summary>The window's own kinds (without the query).</summary>
        public required TokenKind[] Kinds { get; init; }

        public required int QueryLength { get; init; }

        public required long FirstTimelineIndex { get; init; }

        public required double[] MediaTimes { get; init; }

        public required long WindowIndex { get; init; }

        public required int[]? FrameOfToken { get; init; }

        public LastQueryAttention LastQuery { get; } = new();

        /// <summary>Block rows still in the forward.</summary>
        public int[] Alive { get; private set; } = [];

        public int[][] Kept { get; }

        public float[][] BlockScores { get; }

        public PrefillResult? Result { get; private set; }

        public override DecoderBlock Enter(int layer) => _runner.EnterLayer(this, layer);

        public override void Leave(int layer, Tensor output)
        {
            base.Leave(layer, output);
            Kept[layer] = Alive;
            BlockScores[layer] = LastQuery.Row(layer).AsSpan(Mark[layer]).ToArray();
        }

        public override void Complete(float[] lastLogits) => Result = _runner.CompletePrefill(this, lastLogits);

        public override void Restart()
        {
            base.Restart();
            Start();
        }

        /// <summary>Keeps the given rows (indices into <see cref="Alive"/>, ascending) for this layer and the rest.</summary>
        public void Keep(int[] selected)
        {
            Hidden = Hidden.IndexSelect(0, Torch.Torch.FromArray(Array.ConvertAll(selected, i => (long)i)).To(Hidden.Device));
            Alive = Array.ConvertAll(selected, j => Alive[j]);
        }

        private void Start()
        {
            LastQuery.Clear();
            Alive = _entering;
            Hidden = _entering.Length == AllKinds.Length ? _input : _input.IndexSelect(0, Torch.Torch.FromArray(Array.ConvertAll(_entering, i => (long)i)).To(_input.Device));
        }
    }

    /// <summary>An answer's next tokens run over its stream's cache (no pruning); the greedy next token is appended.</summary>
    private sealed class FeedRun : LayerRun
    {
        private readonly AnswerInProgress _answer;
        private readonly long[] _ids;
        private readonly Tensor _embedded;

        public FeedRun(ModelRunner runner, AnswerInProgress answer, long[] ids)
            : base(runner._model, answer.Stream.Tensors)
        {
            _answer = answer;
            _ids = ids;
            _embedded = runner._model.Embed(ids);
            Hidden = _embedded;
        }

        public override DecoderBlock Enter(int layer)
        {
            var first = _answer.Bases[layer] + _answer.Offset;
            return new DecoderBlock
            {
                Hidden = Hidden,
                Positions = Enumerable.Range(0, _ids.Length).Select(i => (long)(first + i)).ToArray(),
                Cache = Cache,
            };
        }

        public override void Complete(float[] lastLogits)
        {
            _answer.Offset += _ids.Length;
            var best = ArgMax(lastLogits);
            _answer.Add(best, Probability(lastLogits, best));
        }

        public override void Restart()
        {
            base.Restart();
            Hidden = _embedded;
        }

        // softmax(logits)[chosen], computed stably: 1 / Σ exp(l − l_chosen) when the chosen logit is the largest.
        private static float Probability(float[] logits, long chosen)
        {
            var top = logits[chosen];
            var sum = 0.0;
            foreach (var l in logits) sum += Math.Exp(l - top);
            return (float)(1 / sum);
        }

        // The first index of the largest logit (greedy; ties go to the lower id).
        private static long ArgMax(float[] logits)
        {
            var best = 0;
            for (var i = 1; i < logits.Length; i++)
            {
                if (logits[i] > logits[best]) best = i;
            }

            return best;
        }
    }
}
