using FastAV.Live.Engine.Cache;
using FastAV.Live.Engine.Running;
using FastAV.Live.Models.Composition;
using FastAV.Live.Server.Inference;
using FastAV.Live.Torch;

namespace FastAV.Live.Server.Evaluation;

/// <summary>
/// Runs a held-out set through the engine under each pruning setting: every stream's windows are featurised and
/// embedded once, then replayed per setting (prompt, windows in order, each question after its window, greedy, rolled
/// back); an answer is right when its text equals the expected answer exactly.
/// </summary>
public sealed class AccuracyEvaluation
{
    private readonly AvModel _model;
    private readonly WindowFeaturizer _featurizer;

    public AccuracyEvaluation(AvModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        _featurizer = new WindowFeaturizer(model);
    }

    public IReadOnlyList<EvalRow> Run(HeldOutSet set, IReadOnlyList<PruningSetting> settings, TextWriter? progress = null)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(settings);
        using var scope = new TensorScope();
        var windows = set.EmbedWindows(_featurizer);

        var byStream = set.Questions.Select((q, i) => (q, i)).GroupBy(x => x.q.Stream).ToDictionary(g => g.Key, g => g.ToList());
        var questionIds = set.Questions.Select(q => _model.QuestionIds(q.Text)).ToArray();
        var measured = new List<(PruningSetting Setting, bool[] Right, double Flops, double Baseline, long KvBytes, double LatencyMs, double PrefillMs)>();
        foreach (var setting in settings)
        {
            var runner = new ModelRunner(_model.Decoder, setting.Global, setting.Fine, beforeLlmPolicy: setting.BeforeLlm);
            var replay = new StreamReplay(_model, runner);
            var cache = replay.UnboundedCache(set.WindowCount);
            var right = new bool[set.Questions.Count];
            double flops = 0, baseline = 0, latency = 0, prefill = 0;
            long kv = 0;
            for (var s = 0; s < set.StreamCount; s++)
            {
                var asked = byStream.TryGetValue(s, out var list) ? list : [];
                ReplayResult result;
                try
                {
                    result = replay.Run(windows[s], asked.Select(x => new ReplayQuestion(x.q.Window, questionIds[x.i])).ToList(), cache, new StreamingLlmEviction());
                }
                catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or TorchException)
                {
                    throw new InvalidOperationException($"{setting.Policy} ({setting.Setting}) failed on stream {s}: {ex.Message}", ex);
                }

                for (var j = 0; j < asked.Count; j++)
                {
                    right[asked[j].i] = string.Equals(result.Answers[j].Text.Trim(), asked[j].q.Answer.Trim(), StringComparison.Ordinal);
                    latency += result.Answers[j].LatencyMs;
                }

                flops += result.Flops;
                baseline += result.BaselineFlops;
                kv += result.KvBytes;
                prefill += result.WindowPrefillMs;
            }

            measured.Add((setting, right, flops, baseline, kv / Math.Max(1, set.StreamCount), latency / Math.Max(1, set.Questions.Count), prefill / Math.Max(1, set.StreamCount)));
            progress?.WriteLine($"{setting.Policy,-22} {setting.Setting,-40} accuracy {right.Count(r => r) / (double)Math.Max(1, right.Length):P1}");
        }

        var reference = measured.FirstOrDefault(m => m.Setting.Policy == "none");
        var families = set.Questions.Select(q => q.Family).Distinct().Order(StringComparer.Ordinal).ToList();
        return measured.Select(m => new EvalRow
        {
            Policy = m.Setting.Policy,
            Setting = m.Setting.Setting,
            Accuracy = Share(m.Right, _ => true, set),
            FamilyAccuracy = families.ToDictionary(f => f, f => Share(m.Right, q => q.Family == f, set)),
            Questions = set.Questions.Count,
            FlopsRatio = reference.Setting is not null && reference.Flops > 0 ? m.Flops / reference.Flops : m.Baseline > 0 ? m.Flops / m.Baseline : 1,
            KvBytes = m.KvBytes,
            LatencyMs = m.LatencyMs,
            WindowPrefillMs = m.PrefillMs,
        }).ToList();
    }

    private static double Share(bool[] right, Func<HeldOutQuestion, bool> which, HeldOutSet set)
    {
        int n = 0, ok = 0;
        for (var i = 0; i < right.Length; i++)
        {
            if (!which(set.Questions[i]))
            {
                continue;
            }

            n++;
            ok += right[i] ? 1 : 0;
        }

        return n == 0 ? 0 : (double)ok / n;
    }
}
