using FastAV.Live.Models.Projectors;
using FastAV.Live.Models.Vision;
using FastAV.Live.Torch;

namespace FastAV.Live.Models.Audio;

/// <summary>
/// Whisper encoder over normalised log-mel [mels, frames] or [batch, mels, frames]:
/// gelu(conv1) (kernel 3), gelu(conv2) (kernel 3, stride 2) -> ⌈frames / 2⌉ positions, plus the first
/// rows of the position table, pre-norm layers (k_proj without bias), final layer_norm.
/// Hugging Face accepts exactly 3000 frames; any count up to 2·max_source_positions works here, and
/// for 3000 frames the numbers are the same.
/// </summary>
public sealed class WhisperEncoder : IDisposable
{
    private readonly ModuleWeights _weights;
    private readonly Tensor _conv1Weight;
    private readonly Tensor _conv1Bias;
    private readonly Tensor _conv2Weight;
    private readonly Tensor _conv2Bias;
    private readonly Tensor _positions;
    private readonly bool _ownsPositions;
    private readonly EncoderLayer[] _layers;
    private readonly LayerNormLayer _finalNorm;

    public WhisperEncoder(AudioEncoderConfig config, IWeightSource weights)
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
            _conv1Weight = _weights.Take(prefix + "conv1.weight", d, config.MelBinCount, 3);
            _conv1Bias = _weights.Take(prefix + "conv1.bias", d);
            _conv2Weight = _weights.Take(prefix + "conv2.weight", d, d, 3);
            _conv2Bias = _weights.Take(prefix + "conv2.bias", d);
            if (config.PositionsInWeights)
            {
                _positions = _weights.Take(prefix + "embed_positions.weight", config.MaxSourcePositions, d);
            }
            else
            {
                using var table = WhisperPositions.Sinusoids(config.MaxSourcePositions, config.HiddenSize);
                _positions = table.To(_conv1Weight.Device, _conv1Weight.DType);
                _ownsPositions = true;
            }

            _layers = new EncoderLayer[config.LayerCount];
            for (var i = 0; i < _layers.Length; i++)
            {
                _layers[i] = new EncoderLayer(
                    _weights, $"{prefix}layers.{i}", EncoderLayerNames.Whisper, d, config.HeadCount, config.FfnSize,
                    config.LayerNormEps, config.Activation, keyBias: false);
            }

            _finalNorm = new LayerNormLayer(_weights, prefix + "layer_norm", d, config.LayerNormEps);
        }
        catch
        {
            _weights.Dispose();
            if (_ownsPositions)
            {
                _positions?.Dispose();
            }

            throw;
        }
    }

    public AudioEncoderConfig Config { get; }

    public IReadOnlyList<EncoderLayer> Layers => _layers;

    public long ParameterCount => _weights.ParameterCount;

    public Device Device => _conv1Weight.Device;

    public DType DType => _conv1Weight.DType;

    /// <summary>Convs + positions: mel -> [batch, ⌈frames / 2⌉, hidden] (Hugging Face's hidden_states[0]).</summary>
    public Tensor Embed(Tensor mel)
    {
        using var scope = new TensorScope();
        var x = Prepare(mel);
        x = Functional.Conv1d(x, _conv1Weight, _conv1Bias, padding: 1).Gelu();
        x = Functional.Conv1d(x, _conv2Weight, _conv2Bias, stride: 2, padding: 1).Gelu(); // [batch, hidden, positions]
        x = x.Transpose(1, 2); // [batch, positions, hidden]
        return scope.MoveToOuter(x + _positions.Narrow(0, 0, x.Size(1)));
    }

    /// <summary>Hugging Face's <c>hidden_states[layerCount]</c>: [batch, positions, hidden].</summary>
    public Tensor HiddenState(Tensor mel, int layerCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(layerCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(layerCount, _layers.Length);
        using var scope = new TensorScope();
        var h = Embed(mel);
        for (var i = 0; i < layerCount; i++)
        {
            h = _layers[i].Forward(h);
        }

        return scope.MoveToOuter(h);
    }

    /// <summary><c>last_hidden_state</c>: [batch, ⌈frames / 2⌉, hidden].</summary>
    public Tensor Forward(Tensor mel)
    {
        using var scope = new TensorScope();
        return scope.MoveToOuter(_finalNorm.Forward(HiddenState(mel, _layers.Length)));
    }

    public void Dispose()
    {
        _weights.Dispose();
        if (_ownsPositions)
        {
            _positions.Dispose();
        }
    }

    /// <summary>Checks [mels, frames] / [batch, mels, frames] and returns it batched on the weights' device and type.</summary>
    private Tensor Prepare(Tensor mel)
    {
        ArgumentNullException.ThrowIfNull(mel);
        var shape = mel.Shape;
        var ok = shape.Length is 2 or 3 && shape[^2] == Config.MelBinCount && shape[^1] >= 1 && (shape.Length == 2 || shape[0] >= 1);
        if (!ok)
        {
            throw new ArgumentException($"mel must be [{Config.MelBinCount}, frames] or [batch, {Config.MelBinCount}, frames], got {ModuleWeights.Describe(shape)}", nameof(mel));
        }

        if (shape[^1] > Config.MaxFrames)
        {
            throw new ArgumentException($"{shape[^1]} mel frames exceed the encoder's {Config.MaxFrames} ({Config.MaxSourcePositions} positions)", nameof(mel));
        }

        if (!ModuleWeights.IsFloatingPoint(mel.DType))
        {
            throw new ArgumentException($"mel must be floating point, got {mel.DType}", nameof(mel));
        }

        var batched = shape.Length == 2 ? mel.Unsqueeze(0) : mel.Alias();
        if (batched.Device == Device && batched.DType == DType)
        {
            return batched;
        }

        using (batched)
        {
            return batched.To(Device, DType);
        }
    }
}
