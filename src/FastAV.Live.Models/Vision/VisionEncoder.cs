using FastAV.Live.Models.Projectors;
using FastAV.Live.Torch;

namespace FastAV.Live.Models.Vision;

/// <summary>
/// SigLIP / CLIP vision transformer over frames [frames, channels, H, W] (what the media layer's
/// ImagePreprocessor produces): embeddings, CLIP's pre_layrnorm, pre-norm layers, SigLIP's
/// post_layernorm. Owns the tensors it takes from the weight source.
/// </summary>
public sealed class VisionEncoder : IDisposable
{
    private readonly ModuleWeights _weights;
    private readonly VisionEmbeddings _embeddings;
    private readonly LayerNormLayer? _preNorm;
    private readonly EncoderLayer[] _layers;
    private readonly LayerNormLayer? _postNorm;

    public VisionEncoder(VisionEncoderConfig config, IWeightSource weights)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(weights);
        config.Validate();
        Config = config;
        _weights = new ModuleWeights(weights);
        try
        {
            var prefix = string.IsNullOrEmpty(config.Prefix) ? string.Empty : config.Prefix + ".";
            long d = config.HiddenSize;
            _embeddings = new VisionEmbeddings(_weights, config, prefix + "embeddings");
            _preNorm = config.HasClassToken ? new LayerNormLayer(_weights, prefix + "pre_layrnorm", d, config.LayerNormEps) : null;
            _layers = new EncoderLayer[config.LayerCount];
            for (var i = 0; i < _layers.Length; i++)
            {
                _layers[i] = new EncoderLayer(
                    _weights, $"{prefix}encoder.layers.{i}", EncoderLayerNames.Vit, d, config.HeadCount, config.IntermediateSize,
                    config.LayerNormEps, config.HiddenActivation, keyBias: true);
            }

            // SigLIP's model output is post-normed; CLIP's post_layernorm serves only its pooled class token.
            _postNorm = config.HasClassToken ? null : new LayerNormLayer(_weights, prefix + "post_layernorm", d, config.LayerNormEps);
        }
        catch
        {
            _weights.Dispose();
            throw;
        }
    }

    public VisionEncoderConfig Config { get; }

    public IReadOnlyList<EncoderLayer> Layers => _layers;

    public long ParameterCount => _weights.ParameterCount;

    /// <summary>Device and element type of the weights; inputs are moved to them.</summary>
    public Device Device => _embeddings.PatchWeight.Device;

    public DType DType => _embeddings.PatchWeight.DType;

    /// <summary>The patch grid of an image: the conv drops a remainder smaller than a patch.</summary>
    public PatchGrid GridFor(int height, int width)
    {
        var p = Config.PatchSize;
        if (height < p || width < p)
        {
            throw new ArgumentException($"a {height}x{width} image is smaller than one {p}x{p} patch");
        }

        return new PatchGrid(height / p, width / p);
    }

    /// <summary>Tokens per frame in <see cref="Features"/> for an image of this size.</summary>
    public int FeatureTokenCount(int height, int width) =>
        GridFor(height, width).Count + (Config.HasClassToken && (Config.KeepClassToken || Config.FeatureLayerIndex is null) ? 1 : 0);

    /// <summary>The embeddings module: pixels [frames, channels, H, W] -> [frames, (1 +) rows·cols, hidden].</summary>
    public Tensor Embed(Tensor pixels)
    {
        using var scope = new TensorScope();
        return scope.MoveToOuter(_embeddings.Forward(Prepare(pixels)));
    }

    /// <summary>The model output (<c>last_hidden_state</c>): [frames, (1 +) rows·cols, hidden].</summary>
    public Tensor Forward(Tensor pixels)
    {
        using var scope = new TensorScope();
        var h = HiddenState(pixels, _layers.Length);
        return scope.MoveToOuter(_postNorm is null ? h : _postNorm.Forward(h));
    }

    /// <summary>
    /// What the VLM consumes: hidden state <see cref="VisionEncoderConfig.FeatureLayer"/> (or the model
    /// output), without CLIP's class token unless <see cref="VisionEncoderConfig.KeepClassToken"/>:
    /// [frames, tokens, hidden] with tokens = <see cref="FeatureTokenCount"/>.
    /// </summary>
    public Tensor Features(Tensor pixels)
    {
        using var scope = new TensorScope();
        var features = Config.FeatureLayerIndex is { } index ? HiddenState(pixels, index) : Forward(pixels);
        if (Config.HasClassToken && !Config.KeepClassToken && Config.FeatureLayerIndex is not null)
        {
            features = features.Narrow(1, 1, features.Size(1) - 1);
        }

        return scope.MoveToOuter(features);
    }

    /// <summary>Hugging Face's <c>hidden_states[layerCount]</c>: the encoder input after the first <paramref name="layerCount"/> layers.</summary>
    public Tensor HiddenState(Tensor pixels, int layerCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(layerCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(layerCount, _layers.Length);
        using var scope = new TensorScope();
        var h = _embeddings.Forward(Prepare(pixels));
        if (_preNorm is not null)
        {
            h = _preNorm.Forward(h);
        }

        for (var i = 0; i < layerCount; i++)
        {
            h = _layers[i].Forward(h);
        }

        return scope.MoveToOuter(h);
    }

    public void Dispose() => _weights.Dispose();

    /// <summary>Checks [frames, channels, H, W] and moves it to the weights' device and type.</summary>
    private Tensor Prepare(Tensor pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        var shape = pixels.Shape;
        if (shape.Length != 4 || shape[0] < 1 || shape[1] != Config.ChannelCount)
        {
            throw new ArgumentException($"pixels must be [frames, {Config.ChannelCount}, height, width], got {ModuleWeights.Describe(shape)}", nameof(pixels));
        }

        if (shape[2] > VisionEncoderConfig.MaxSize || shape[3] > VisionEncoderConfig.MaxSize)
        {
            throw new ArgumentException($"a {shape[2]}x{shape[3]} image exceeds {VisionEncoderConfig.MaxSize} pixels per side", nameof(pixels));
        }

        GridFor((int)shape[2], (int)shape[3]);
        if (!ModuleWeights.IsFloatingPoint(pixels.DType))
        {
            throw new ArgumentException($"pixels must be floating point, got {pixels.DType}", nameof(pixels));
        }

        return pixels.Device == Device && pixels.DType == DType ? pixels.Alias() : pixels.To(Device, DType);
    }
}
