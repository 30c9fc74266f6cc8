using System.Globalization;
using FastAV.Live.Torch;

namespace FastAV.Live.Torch.Benchmarks;

/// <summary>A split of the cores: libtorch's intra-op (OpenMP) threads and OpenBLAS's own threads ("TxB").</summary>
internal sealed record ThreadConfig(int IntraOp, int Blas)
{
    public static ThreadConfig Parse(string text)
    {
        var parts = text.Split('x');
        return parts.Length == 2
            ? new ThreadConfig(int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture))
            : throw new FormatException($"thread config '{text}' is not TxB (intra-op x BLAS threads)");
    }

    /// <summary>JSON key, e.g. "intra1_blas2".</summary>
    public string Key => string.Create(CultureInfo.InvariantCulture, $"intra{IntraOp}_blas{Blas}");

    public void Apply()
    {
        Torch.ThreadCount = IntraOp;
        Torch.BlasThreadCount = Blas;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{IntraOp} intra-op × {Blas} BLAS");
}
