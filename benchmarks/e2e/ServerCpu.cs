using System.Diagnostics;

namespace FastAV.Live.Benchmarks.E2e;

/// <summary>
/// CPU time a `fastav serve` process used (all its threads: the engine, BLAS workers, gRPC, media), read before and
/// after a measurement. On a shared machine wall-clock latency mostly measures the scheduler's share; CPU seconds per
/// stream-second measure what a stream costs, whatever else runs.
/// </summary>
internal sealed class ServerCpu(int pid)
{
    private readonly TimeSpan _start = Read(pid);

    /// <summary>CPU seconds since this reading began; NaN when the process cannot be read.</summary>
    public double Seconds => Read(pid) is var now && now >= _start ? (now - _start).TotalSeconds : double.NaN;

    private static TimeSpan Read(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return p.TotalProcessorTime;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return TimeSpan.MinValue;
        }
    }
}
