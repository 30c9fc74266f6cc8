using System.Diagnostics.Metrics;

namespace FastAV.Live.Server.Observability;

/// <summary>
/// Per pruning policy, the tokens kept and FLOPs of its last <see cref="WindowCount"/> prefilled windows, as sums
/// whose ratios the gauges report: recent enough to move when streams change, long enough not to flicker per window.
/// </summary>
internal sealed class PruningRatios
{
    public const int WindowCount = 256;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Ring> _policies = new(StringComparer.Ordinal);

    public void Add(string policy, double tokensKept, double tokensIn, double flops, double flopsUnpruned)
    {
        lock (_gate)
        {
            if (!_policies.TryGetValue(policy, out var ring))
            {
                ring = new Ring();
                _policies.Add(policy, ring);
            }

            ring.Add(tokensKept, tokensIn, flops, flopsUnpruned);
        }
    }

    /// <summary>One measurement per policy seen: tokens kept ÷ tokens in, or FLOPs ÷ unpruned FLOPs.</summary>
    public IEnumerable<Measurement<double>> Measure(bool kept)
    {
        lock (_gate)
        {
            return _policies.Select(p => new Measurement<double>(kept ? p.Value.KeptRatio : p.Value.FlopsRatio, new KeyValuePair<string, object?>("policy", p.Key))).ToList();
        }
    }

    private sealed class Ring
    {
        // [window] = (tokens kept over layers, tokens in × layers, FLOPs, unpruned FLOPs); summed on read, so no drift.
        private readonly (double Kept, double In, double Flops, double Unpruned)[] _rows = new (double, double, double, double)[WindowCount];
        private int _count;
        private int _next;

        public double KeptRatio => Ratio(r => r.Kept, r => r.In);

        public double FlopsRatio => Ratio(r => r.Flops, r => r.Unpruned);

        public void Add(double kept, double tokensIn, double flops, double unpruned)
        {
            _rows[_next] = (kept, tokensIn, flops, unpruned);
            _next = (_next + 1) % WindowCount;
            _count = Math.Min(_count + 1, WindowCount);
        }

        private double Ratio(Func<(double Kept, double In, double Flops, double Unpruned), double> part, Func<(double Kept, double In, double Flops, double Unpruned), double> whole)
        {
            double a = 0, b = 0;
            for (var i = 0; i < _count; i++)
            {
                a += part(_rows[i]);
                b += whole(_rows[i]);
            }

            return b == 0 ? 1 : a / b;
        }
    }
}
