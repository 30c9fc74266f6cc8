using FastAV.Live.Models.Projectors;
using FastAV.Live.Torch;

namespace FastAV.Live.Models.Vision;

/// <summary>
/// Patch embedding (a conv with kernel = stride = patch), the CLIP class token, and learned
/// positions. An image whose patch grid differs from the trained square grid gets the position
/// table resized to its grid with bicubic interpolation (align_corners = false), as Hugging Face
/// does with <c>interpolate_pos_encoding=True</c>; CLIP's class position is kept as is.
/// </summary>
internal sealed class VisionEmbeddings
{
    private readonly VisionEncoderConfig _config;
    private readonly Tensor _patchWeight;
    private readonly Tensor? _patchBias;
    private readonly Tensor _positions;
    private readonly Tensor? _classEmbedding;

    public VisionEmbeddings(ModuleWeights weights, VisionEncoderConfig config, string prefix)
    {
        _config = config;
        long d = config.HiddenSize;
        long p = config.PatchSize;
        _patchWeight = weights.Take(prefix + ".patch_embedding.weight", d, config.ChannelCount, p, p);
        _patchBias = config.HasClassToken ? null : weights.Take(prefix + ".patch_embedding.bias", d);
        _positions = weights.Take(prefix + ".position_embedding.weight", config.PositionCount, d);
        _classEmbedding = config.HasClassToken ? weights.Take(prefix + ".class_embedding", d) : null;
    }

    public Tensor PatchWeight => _patchWeight;

    /// <summary>pixels [frames, channels, H, W] -> [frames, (1 +) rows·cols, hidden], rows = H / patch, cols = W / patch.</summary>
    public Tensor Forward(Tensor pixels)
    {
        using var scope = new TensorScope();
        long p = _config.PatchSize;
        var patches = Functional.Conv2d(pixels, _patchWeight, _patchBias, stride: (p, p)); // [frames, hidden, rows, cols]
        var frames = patches.Size(0);
        var grid = new PatchGrid((int)patches.Size(2), (int)patches.Size(3));
        var tokens = patches.Flatten(2).Transpose(1, 2); // [frames, rows·cols, hidden]
        if (_classEmbedding is { } cls)
        {
            var classTokens = cls.View(1, 1, _config.HiddenSize).Expand(frames, 1, _config.HiddenSize);
            tokens = Torch.Torch.Cat([classTokens, tokens], 1);
        }

        return scope.MoveToOuter(tokens + Positions(grid).Unsqueeze(0));
    }

    /// <summary>The position table for a patch grid: [(1 +) rows·cols, hidden].</summary>
    public Tensor Positions(PatchGrid grid)
    {
        var side = _config.GridSize;
        if (grid.Rows == side && grid.Cols == side)
        {
            return _positions.Alias();
        }

        using var scope = new TensorScope();
        long d = _config.HiddenSize;
        var extra = _config.HasClassToken ? 1 : 0;
        var table = _positions.Narrow(0, extra, (long)side * side)
            .Reshape(1, side, side, d)
            .Permute(0, 3, 1, 2); // [1, hidden, side, side]
        var resized = Functional.Interpolate(table, grid.Rows, grid.Cols, InterpolateMode.Bicubic)
            .Permute(0, 2, 3, 1)
            .Reshape((long)grid.Count, d);
        if (extra == 1)
        {
            resized = Torch.Torch.Cat([_positions.Narrow(0, 0, 1), resized], 0);
        }

        return scope.MoveToOuter(resized);
    }
}
