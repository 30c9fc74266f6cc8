using FastAV.Live.Torch;

namespace FastAV.Live.Models.Sampling;

/// <summary>
/// Picks the next token from logits: greedy (lowest id on ties), or temperature with top-p from a seeded SplitMix64
/// generator so a stream's answers are reproducible. One per stream (the generator is state).
/// </summary>
public sealed class TokenSampler
{
    private readonly SamplingOptions _options;
    private readonly HashSet<int> _stop;
    private ulong _state;

    public TokenSampler(SamplingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _stop = [.. options.StopTokenIds];
        _state = options.Seed;
    }

    public bool IsStop(int tokenId) => _stop.Contains(tokenId);

    /// <summary>The next token from the last row of <paramref name="logits"/> ([vocab], or [..., vocab]).</summary>
    public int Sample(Tensor logits)
    {
        ArgumentNullException.ThrowIfNull(logits);
        if (logits.Dim == 0 || logits.Size(-1) == 0)
        {
            throw new ArgumentException("logits must have a non-empty last dimension", nameof(logits));
        }

        using var scope = new TensorScope();
        var row = logits.Reshape(-1, logits.Size(-1)).Select(0, -1);
        if (_options.Temperature == 0)
        {
            var hasNaN = row.Ne(row).Sum().Item<long>() > 0;
            if (hasNaN)
            {
                throw new ArgumentException("logits contain NaN", nameof(logits));
            }

            return (int)row.ArgMax().Item<long>();
        }

        return Sample(row.To(Device.Cpu, DType.Float32).ToArray<float>());
    }

    /// <summary>The next token from one row of logits.</summary>
    public int Sample(ReadOnlySpan<float> logits)
    {
        if (logits.IsEmpty)
        {
            throw new ArgumentException("logits are empty", nameof(logits));
        }

        var best = 0;
        for (var i = 0; i < logits.Length; i++)
        {
            if (float.IsNaN(logits[i]))
            {
                throw new ArgumentException($"logits contain NaN (at {i})", nameof(logits));
            }

            if (logits[i] > logits[best])
            {
                best = i;
            }
        }

        if (_options.Temperature == 0 || float.IsPositiveInfinity(logits[best]) || float.IsNegativeInfinity(logits[best]))
        {
            return best;
        }

        // softmax(logits / T) in double, relative to the maximum.
        var probabilities = new double[logits.Length];
        var sum = 0.0;
        for (var i = 0; i < logits.Length; i++)
        {
            probabilities[i] = Math.Exp((logits[i] - logits[best]) / _options.Temperature);
            sum += probabilities[i];
        }

        // Most likely first; equal probabilities by id, so the order never depends on the sort's stability.
        var order = Enumerable.Range(0, logits.Length).ToArray();
        Array.Sort(order, (a, b) => probabilities[a] != probabilities[b] ? probabilities[b].CompareTo(probabilities[a]) : a.CompareTo(b));
        var keep = 0;
        var mass = 0.0;
        while (keep < order.Length && (keep == 0 || mass < _options.TopP * sum))
        {
            mass += probabilities[order[keep++]];
        }

        var target = NextDouble() * mass;
        var running = 0.0;
        for (var k = 0; k < keep; k++)
        {
            running += probabilities[order[k]];
            if (target < running)
            {
                return order[k];
            }
        }

        return order[keep - 1];
    }

    private double NextDouble()
    {
        var z = _state += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53));
    }
}
