using FastAV.Live.Models.Projectors;
using FastAV.Live.Torch;

namespace FastAV.Live.Models.Vision;

/// <summary>
/// Turns a window's frames into LLM embeddings: encoder features, each frame's patch grid pooled
/// to <see cref="VisionTowerConfig.PooledGrid"/>, projected to the LLM's hidden size, frames one
/// after another: [frames · tokensPerFrame, hidden].
/// Build it once, outside any <see cref="TensorScope"/> (the weights it takes would be disposed
/// with that scope); each call returns a tensor the caller owns.
/// </summary>
public sealed class VisionTower : IDisposable
{
    private readonly VisionTowerConfig _config;

    public VisionTower(VisionTowerConfig config, IWeightSource weights)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(weights);
        config.Validate();
        _config = config;
        Encoder = new VisionEncoder(config.Encoder, weights);
        try
        {
            Projector = new MlpProjector(config.Projector, weights);
        }
        catch
        {
            Encoder.Dispose();
            throw;
        }
    }

    public VisionEncoder Encoder { get; }

    public MlpProjector Projector { get; }

    /// <summary>LLM hidden size of the output rows.</summary>
    public int OutputSize => _config.Projector.OutputSize;

    /// <summary>Rows of <see cref="Embed(Tensor)"/> per frame of this size.</summary>
    public int TokensPerFrame(int height, int width) =>
        _config.PooledGrid is { } grid ? grid.Count : Encoder.FeatureTokenCount(height, width);

    /// <summary>pixels [frames, channels, H, W] -> [frames · TokensPerFrame(H, W), OutputSize].</summary>
    public Tensor Embed(Tensor pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        using var scope = new TensorScope();
        var features = Encoder.Features(pixels); // [frames, tokens, hidden]
        var grid = Encoder.GridFor((int)pixels.Size(2), (int)pixels.Size(3));
        Tensor tokens;
        if (_config.PooledGrid is not { } target)
        {
            tokens = Projector.Forward(features);
        }
        else if (_config.PoolAfterProjector)
        {
            tokens = PatchGridPooling.Pool(Projector.Forward(features), grid, target);
        }
        else
        {
            tokens = Projector.Forward(PatchGridPooling.Pool(features, grid, target));
        }

        return scope.MoveToOuter(tokens.Reshape(-1, OutputSize));
    }

    /// <summary>As <see cref="Embed(Tensor)"/> from a flat row-major [frames, channels, H, W] array (ImagePreprocessor's output).</summary>
    public Tensor Embed(ReadOnlySpan<float> pixels, int frames, int height, int width)
    {
        var channels = _config.Encoder.ChannelCount;
        if (frames < 1 || height < 1 || width < 1 || (Int128)frames * channels * height * width != pixels.Length)
        {
            throw new ArgumentException($"{pixels.Length} values are not [{frames}, {channels}, {height}, {width}] pixels", nameof(pixels));
        }

        using var tensor = Torch.Torch.FromSpan(pixels, frames, channels, height, width);
        return Embed(tensor);
    }

    public void Dispose()
    {
        Encoder.Dispose();
        Projector.Dispose();
    }
}
