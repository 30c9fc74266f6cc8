using FastAV.Live.Engine.Pruning;

namespace FastAV.Live.Server.Evaluation;

/// <summary>
/// The settings `fastav eval` measures, for windows of <c>media</c> prunable tokens (FASTAV.md's policies and the
/// paper's ablations): unpruned; FastAV as a live stream gets it by default (keep the first N media tokens at K = L/2 —
/// the model's calibrated N, else 75 % — then drop 20 % per layer after K) and at the paper's 37.5 %; global selection random vs low-attentive vs keep-first at equal kept counts; fine-pruning P from 0
/// to 50 %; FastV, DART, DivPrune and METok with their own knobs scaled to the same kept share.
/// Not measured: FasterVLM (needs the vision encoder's [CLS] attention, which a SigLIP tower has no [CLS] for),
/// TransPrune (the runner does not accumulate transition scores) and LazyLLM (per-step pruning is not in the runner).
/// </summary>
public static class PruningSweep
{
    public const double DefaultKeepShare = 0.375;

    public const double DefaultFineDrop = 0.2;

    public static IReadOnlyList<string> NotMeasured { get; } =
    [
        "fastervlm: needs the vision encoder's [CLS] attention; SigLIP towers have no [CLS] token",
        "transprune: ModelRunner does not accumulate token transition variation",
        "lazyllm: per-generation-step pruning is not part of ModelRunner",
    ];

    /// <param name="liveKeep">What a live FastAV stream keeps at K by default (StreamPlanner.DefaultFastAvKeep); the paper's share when null.</param>
    public static IReadOnlyList<PruningSetting> For(int media, int frames, int? liveKeep = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(media, 1);
        var keep = Math.Max(1, (int)Math.Round(DefaultKeepShare * media, MidpointRounding.AwayFromZero));
        var settings = new List<PruningSetting>
        {
            new() { Policy = "none", Setting = "unpruned" },
            FastAv(Math.Clamp(liveKeep ?? keep, 1, media), DefaultFineDrop, media, "fastav"),
        };
        if (liveKeep is { } live && live != keep)
        {
            settings.Add(FastAv(keep, DefaultFineDrop, media, "fastav-paper-share"));
        }

        // Global selection at K alone, equal kept counts: the paper's random vs low-attentive vs FastAV ablation.
        foreach (var k in new[] { Math.Max(1, media / 4), keep, Math.Min(media, (int)Math.Round(0.625 * media)) }.Distinct())
        {
            var share = (double)k / media;
            var setting = $"keep {k}/{media} media tokens at K";
            settings.Add(new() { Policy = "global-random", Setting = setting, Global = new RandomPolicy(new RandomOptions { KeepRatio = share, Seed = 1234 }) });
            settings.Add(new() { Policy = "global-low-attentive", Setting = setting, Global = new LowAttentivePolicy(new LowAttentiveOptions { KeepRatio = share }) });
            settings.Add(new() { Policy = "global-keep-first", Setting = setting, Global = new KeepFirstPolicy(new KeepFirstOptions { MediaTokensKept = k }) });
        }

        foreach (var p in new[] { 0.0, 0.1, 0.2, 0.3, 0.4, 0.5 })
        {
            settings.Add(FastAv(keep, p, media, "fastav-fine"));
        }

        settings.Add(new() { Policy = "fastv", Setting = "K=2, drop 50 %", Global = new FastVPolicy(new FastVOptions { Layer = 2, DropRatio = 0.5 }) });
        settings.Add(new() { Policy = "dart", Setting = $"K=2, keep {DefaultKeepShare:P1}, 2 pivots", Global = new DartPolicy(new DartOptions { KeepRatio = DefaultKeepShare, PivotCount = 2, Layer = 2 }) });
        settings.Add(new() { Policy = "divprune", Setting = $"before the LLM, keep {DefaultKeepShare:P1}", BeforeLlm = new DivPrunePolicy(new DivPruneOptions { KeepRatio = DefaultKeepShare }) });
        settings.Add(new() { Policy = "metok", Setting = $"before the LLM, {frames} events, keep 50 %", BeforeLlm = new MetokPolicy(new MetokOptions { EventCount = Math.Max(1, frames), KeepRatio = 0.5 }) });
        return settings;
    }

    private static PruningSetting FastAv(int keep, double drop, int media, string name) => new()
    {
        Policy = name,
        Setting = $"keep first {keep}/{media} at K, fine P = {drop:P0}",
        Global = new KeepFirstPolicy(new KeepFirstOptions { MediaTokensKept = keep }),
        Fine = drop > 0 ? new FinePruner(new FinePrunerOptions { DropRatio = drop }) : null,
    };
}
