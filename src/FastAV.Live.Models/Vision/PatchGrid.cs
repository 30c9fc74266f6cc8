namespace FastAV.Live.Models.Vision;

/// <summary>A grid of image patches or pooled tokens, rows by columns.</summary>
public readonly record struct PatchGrid(int Rows, int Cols)
{
    public int Count => Rows * Cols;

    public override string ToString() => $"{Rows}x{Cols}";
}
