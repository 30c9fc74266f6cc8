using System.Globalization;

namespace FastAV.Live.Benchmarks.E2e;

/// <summary>
/// The machine's 1-minute load average (/proc/loadavg) sampled every 2 s while a level runs: the machine is shared, so
/// each level says how busy it was. The benchmark's own server and clients are part of the figure.
/// </summary>
internal sealed class LoadAverageSampler : IAsyncDisposable
{
    private readonly List<double> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public LoadAverageSampler()
    {
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                if (Read() is { } value)
                {
                    lock (_samples) _samples.Add(value);
                }

                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(2), _stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        });
    }

    /// <summary>Mean and largest 1-minute load average seen; NaN when /proc/loadavg is not there.</summary>
    public (double Mean, double Max) Summary()
    {
        lock (_samples)
        {
            return _samples.Count == 0 ? (double.NaN, double.NaN) : (_samples.Average(), _samples.Max());
        }
    }

    public static double? Read()
    {
        try
        {
            var text = File.ReadAllText("/proc/loadavg");
            return double.Parse(text.Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
