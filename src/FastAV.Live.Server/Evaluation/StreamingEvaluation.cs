using FastAV.Live.Engine.Cache;
using FastAV.Live.Engine.Running;
using FastAV.Live.Models.Composition;
using FastAV.Live.Server.Inference;
using FastAV.Live.Torch;

namespace FastAV.Live.Server.Evaluation;

/// <summary>
/// Long streams through the engine under bounded caches: every window is featurised once, then per setting the
/// stream is replayed (prompt, windows in order, each question after its window, greedy, rolled back) with a
/// <see cref="RollingKvCache"/> of the setting's per-layer budget and eviction policy, with pruning off or FastAV's
/// default. An answer is right when its text equals the expected answer exactly.
/// </summary>
public sealed class StreamingEvaluation
{
    /// <summary>"Recent" questions: the evidence lies within the last this-many windows.</summary>
    public const int RecentWindows = 2;

    private readonly AvModel _model;
    private readonly WindowFeaturizer _featurizer;

    public StreamingEvaluation(AvModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        _featurizer = new WindowFeaturizer(model);
    }

    /// <summary>Cache options of one setting for this model.</summary>
    public RollingKvCacheOptions CacheOptions(ModelRunner runner, int budgetTokens)
    {
        ArgumentNullException.ThrowIfNull(runner);
        if (budgetTokens < StreamingSweep.MinBudget(_model) || budgetTokens > StreamingSweep.MaxBudget(_model))
        {
            throw new ArgumentOutOfRangeException(nameof(budgetTokens), budgetTokens, $"must be within {StreamingSweep.MinBudget(_model)}..{StreamingSweep.MaxBudget(_model)} tokens per layer for this model");
        }

        return new RollingKvCacheOptions
        {
            LayerCount = runner.LayerCount,
            BytesPerTokenPerLayer = runner.Geometry.KvBytesPerTokenPerLayer(runner.BytesPerElement),
            Budget = new KvBudget { MaxTokens = budgetTokens },
            MaxPositions = (int)Math.Min(int.MaxValue, _model.Decoder.Config.MaxPositionEmbeddings),
            MaxBlockSpan = _model.TokensPerWindow,
            QuestionReserve = StreamingSweep.QuestionReserve,
        };
    }

    public IReadOnlyList<StreamingRow> Run(HeldOutSet set, IReadOnlyList<StreamingSetting> settings, TextWriter? progress = null)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(settings);
        using var scope = new TensorScope();
        var windows = set.EmbedWindows(_featurizer);

        var byStream = set.Questions.Select((q, i) => (q, i)).GroupBy(x => x.q.Stream).ToDictionary(g => g.Key, g => g.ToList());
        var questionIds = set.Questions.Select(q => _model.QuestionIds(q.Text)).ToArray();
        var media = _model.Prompt.VideoTokens + _model.Prompt.AudioTokens;
        var prunings = PruningSweep.For(media, _model.FramesPerWindow, Inference.StreamPlanner.DefaultFastAvKeep(_model)).Where(p => p.Policy is "none" or "fastav").ToDictionary(p => p.Policy);
        var rows = new List<StreamingRow>();
        foreach (var setting in settings)
        {
            if (!prunings.TryGetValue(setting.Pruning, out var pruning))
            {
                throw new ArgumentException($"unknown pruning '{setting.Pruning}' (known: none, fastav)", nameof(settings));
            }

            var runner = new ModelRunner(_model.Decoder, pruning.Global, pruning.Fine, beforeLlmPolicy: pruning.BeforeLlm);
            var replay = new StreamReplay(_model, runner);
            var cache = CacheOptions(runner, setting.BudgetTokens);
            var answers = new string[set.Questions.Count];
            double latency = 0, prefillMs = 0;
            long maxKv = 0, finalKv = 0, evicted = 0;
            for (var s = 0; s < set.StreamCount; s++)
            {
                var asked = byStream.TryGetValue(s, out var list) ? list : [];
                ReplayResult result;
                try
                {
                    result = replay.Run(windows[s], asked.Select(x => new ReplayQuestion(x.q.Window, questionIds[x.i])).ToList(), cache, setting.CreateEviction());
                }
                catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or TorchException)
                {
                    throw new InvalidOperationException($"{setting.Eviction} at {setting.BudgetTokens} tokens ({setting.Pruning}) failed on stream {s}: {ex.Message}", ex);
                }

                for (var j = 0; j < asked.Count; j++)
                {
                    answers[asked[j].i] = result.Answers[j].Text.Trim();
                    latency += result.Answers[j].LatencyMs;
                }

                maxKv = Math.Max(maxKv, result.MaxKvBytes);
                finalKv += result.KvBytes;
                evicted += result.EvictedRows;
                prefillMs += result.WindowPrefillMs * windows[s].Count;
            }

            var row = Measure(set, setting, answers, cache, runner.LayerCount) with
            {
                MaxKvBytes = maxKv,
                FinalKvBytes = finalKv / Math.Max(1, set.StreamCount),
                EvictedRows = evicted,
                WindowsPerSecond = prefillMs > 0 ? set.StreamCount * set.WindowCount / (prefillMs / 1000) : 0,
                LatencyMs = latency / Math.Max(1, set.Questions.Count),
            };
            rows.Add(row);
            progress?.WriteLine($"{setting.Pruning,-7} {setting.Eviction,-14} {setting.Budget,-10} {setting.BudgetTokens,5} tokens  accuracy {row.Accuracy:P1} (recent {row.RecentAccuracy:P1}, older {row.OlderAccuracy:P1})  max KV {row.MaxKvBytes:N0} B  {row.WindowsPerSecond:F0} windows/s");
        }

        return rows;
    }

    private static StreamingRow Measure(HeldOutSet set, StreamingSetting setting, string[] answers, RollingKvCacheOptions cache, int layers)
    {
        var right = set.Questions.Select((q, i) => string.Equals(answers[i], q.Answer.Trim(), StringComparison.Ordinal)).ToArray();
        var hasEvidence = set.Questions.Count > 0 && set.Questions.All(q => q.EvidenceWindow is not null);
        bool Recent(HeldOutQuestion q) => q.Window - q.EvidenceWindow!.Value < RecentWindows;
        var families = set.Questions.Select(q => q.Family).Distinct().Order(StringComparer.Ordinal).ToList();
        return new StreamingRow
        {
            Eviction = setting.Eviction,
            Pruning = setting.Pruning,
            Budget = setting.Budget,
            BudgetTokens = setting.BudgetTokens,
            BudgetBytes = (long)setting.BudgetTokens * cache.BytesPerTokenPerLayer * layers,
            Accuracy = Share(right, set, _ => true) ?? 0,
            RecentAccuracy = hasEvidence ? Share(right, set, Recent) : null,
            RecentQuestions = hasEvidence ? set.Questions.Count(Recent) : 0,
            OlderAccuracy = hasEvidence ? Share(right, set, q => !Recent(q)) : null,
            OlderQuestions = hasEvidence ? set.Questions.Count(q => !Recent(q)) : 0,
            FamilyAccuracy = families.ToDictionary(f => f, f => Share(right, set, q => q.Family == f) ?? 0),
            Questions = set.Questions.Count,
            MaxKvBytes = 0,
            FinalKvBytes = 0,
            EvictedRows = 0,
            WindowsPerSecond = 0,
            LatencyMs = 0,
            Answers = answers,
        };
    }

    private static double? Share(bool[] right, HeldOutSet set, Func<HeldOutQuestion, bool> which)
    {
        int n = 0, ok = 0;
        for (var i = 0; i < right.Length; i++)
        {
            if (!which(set.Questions[i])) continue;
            n++;
            ok += right[i] ? 1 : 0;
        }

        return n == 0 ? null : (double)ok / n;
    }
}
