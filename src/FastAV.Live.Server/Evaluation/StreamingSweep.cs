using System.Globalization;
using FastAV.Live.Engine.Cache;
using FastAV.Live.Models.Composition;

namespace FastAV.Live.Server.Evaluation;

/// <summary>
/// The grid `fastav eval --streaming` measures: budgets of whole scenes' worth of tokens (the prompt plus k scenes of
/// unpruned windows) and the model's maximum (its positions less a window and the question reserve) × the four
/// eviction policies × pruning off ("none") and FastAV as a live stream gets it by default ("fastav": the model's calibrated rule). Policy knobs are the live defaults
/// (StreamPlanner): StreamingLLM keeps 4 sinks after the prompt, A2SF keeps the newest window's rows, Paged evicts
/// 16-row blocks, InfiniPot-V fills half its budget by novelty and half by ‖V‖.
/// </summary>
public static class StreamingSweep
{
    /// <summary>Positions kept above the cache for a question and its answer (as <c>StreamReplay.UnboundedCache</c>).</summary>
    public const int QuestionReserve = 128;

    public static IReadOnlyList<string> Policies { get; } = ["streaming-llm", "a2sf", "paged", "infinipot-v"];

    public static IReadOnlyList<string> Prunings { get; } = ["none", "fastav"];

    public static IReadOnlyList<double> DefaultScenes { get; } = [1, 2, 4, 8];

    /// <summary>The largest per-layer budget the model's positions allow.</summary>
    public static int MaxBudget(AvModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return (int)Math.Min(int.MaxValue, model.Decoder.Config.MaxPositionEmbeddings - model.TokensPerWindow - QuestionReserve);
    }

    /// <summary>The smallest budget that holds the prompt and one window.</summary>
    public static int MinBudget(AvModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Prompt.StreamPrefix.Length + model.TokensPerWindow;
    }

    /// <summary>Prompt + k scenes of unpruned windows, within the model's bounds.</summary>
    public static int SceneBudget(AvModel model, double scenes, int windowsPerScene)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(windowsPerScene, 1);
        if (!(scenes > 0 && scenes <= 1e6)) throw new ArgumentOutOfRangeException(nameof(scenes), scenes, "must be within (0, 1e6] scenes");
        var tokens = model.Prompt.StreamPrefix.Length + (scenes * windowsPerScene * model.TokensPerWindow);
        return (int)Math.Clamp(Math.Round(tokens), MinBudget(model), MaxBudget(model));
    }

    public static IEvictionPolicy Eviction(string name, int windowTokens) => name switch
    {
        "streaming-llm" => new StreamingLlmEviction(),
        "a2sf" => new A2sfEviction(new A2sfOptions { RecentKept = windowTokens }),
        "paged" => new PagedEviction(),
        "infinipot-v" => new InfiniPotVEviction(),
        _ => throw new ArgumentException($"unknown eviction policy '{name}' (known: {string.Join(", ", Policies)})", nameof(name)),
    };

    /// <summary>Budgets (scene counts, then the maximum when asked; duplicates after clamping dropped) × policies × prunings.</summary>
    public static IReadOnlyList<StreamingSetting> For(AvModel model, int windowsPerScene, IReadOnlyList<double> scenes, bool includeMax, IReadOnlyList<string> policies, IReadOnlyList<string> prunings)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(scenes);
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(prunings);
        foreach (var p in prunings)
        {
            if (!Prunings.Contains(p)) throw new ArgumentException($"unknown pruning '{p}' (known: {string.Join(", ", Prunings)})", nameof(prunings));
        }

        var budgets = new List<(int Tokens, string Label)>();
        foreach (var k in scenes)
        {
            var tokens = SceneBudget(model, k, windowsPerScene);
            if (budgets.All(b => b.Tokens != tokens)) budgets.Add((tokens, string.Create(CultureInfo.InvariantCulture, $"{k:0.##} scene{(k == 1 ? string.Empty : "s")}")));
        }

        if (includeMax && budgets.All(b => b.Tokens != MaxBudget(model))) budgets.Add((MaxBudget(model), "max"));
        var block = model.TokensPerWindow;
        var settings = new List<StreamingSetting>();
        foreach (var pruning in prunings)
        {
            foreach (var policy in policies)
            {
                Eviction(policy, block); // an unknown name fails here, before any work
                foreach (var (tokens, label) in budgets.OrderBy(b => b.Tokens))
                {
                    settings.Add(new StreamingSetting { Eviction = policy, Pruning = pruning, BudgetTokens = tokens, Budget = label, CreateEviction = () => Eviction(policy, block) });
                }
            }
        }

        return settings;
    }
}
