namespace FastAV.Live.Models.Sampling;

/// <summary>How the next token is chosen: Temperature 0 is greedy; otherwise softmax(logits / T) cut to top-p.</summary>
public sealed record SamplingOptions
{
    public double Temperature { get; init; }

    /// <summary>Keep the most likely tokens whose probabilities sum to at least this (1 = all).</summary>
    public double TopP { get; init; } = 1.0;

    /// <summary>Seed of the sampler's generator: the same seed and logits give the same tokens.</summary>
    public ulong Seed { get; init; }

    public IReadOnlyList<int> StopTokenIds { get; init; } = [];

    public void Validate()
    {
        if (!double.IsFinite(Temperature) || Temperature < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "temperature must be finite and at least 0");
        }

        if (!(TopP > 0 && TopP <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(TopP), TopP, "top_p must be in (0, 1]");
        }
    }
}
