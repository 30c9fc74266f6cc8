using FastAV.Live.Torch;

namespace FastAV.Live.Models.Vision;

/// <summary>
/// Pools each frame's patch tokens to a smaller grid by 2-D average pooling: output cell (i, j)
/// averages input rows [⌊i·R/r⌋, ⌈(i+1)·R/r⌉) and columns likewise (adaptive pooling, which is plain
/// k×k average pooling when the grid divides evenly, e.g. 24x24 -> 12x12).
/// </summary>
public static class PatchGridPooling
{
    /// <summary>tokens [frames, grid.Count, hidden] -> [frames, target.Count, hidden].</summary>
    public static Tensor Pool(Tensor tokens, PatchGrid grid, PatchGrid target)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        if (tokens.Dim != 3 || tokens.Size(1) != grid.Count)
        {
            throw new ArgumentException($"expected [frames, {grid.Count}, hidden] tokens of a {grid} grid, got [{string.Join(", ", tokens.Shape)}]", nameof(tokens));
        }

        if (target.Rows < 1 || target.Cols < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(target), target, "pooled grid must be at least 1x1");
        }

        using var scope = new TensorScope();
        var frames = tokens.Size(0);
        var hidden = tokens.Size(2);
        var image = tokens.Reshape(frames, grid.Rows, grid.Cols, hidden).Permute(0, 3, 1, 2); // [frames, hidden, rows, cols]
        var pooled = Functional.AdaptiveAvgPool2d(image, target.Rows, target.Cols);
        return scope.MoveToOuter(pooled.Flatten(2).Transpose(1, 2).Contiguous()); // [frames, rows·cols, hidden]
    }
}
