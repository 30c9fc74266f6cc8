using FastAV.Live.Torch;

namespace FastAV.Live.Models.Projectors;

/// <summary>Linear -> activation -> Linear, from encoder features to LLM embeddings (see <see cref="ProjectorConfig"/>).</summary>
public sealed class MlpProjector : IDisposable
{
    private readonly ModuleWeights _weights;
    private readonly LinearLayer _first;
    private readonly LinearLayer _second;

    public MlpProjector(ProjectorConfig config, IWeightSource weights)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(weights);
        config.Validate();
        Config = config;
        _weights = new ModuleWeights(weights);
        try
        {
            var prefix = string.IsNullOrEmpty(config.Prefix) ? string.Empty : config.Prefix + ".";
            _first = new LinearLayer(_weights, prefix + config.FirstLayerName, config.InputSize, config.MiddleSize);
            _second = new LinearLayer(_weights, prefix + config.SecondLayerName, config.MiddleSize, config.OutputSize);
        }
        catch
        {
            _weights.Dispose();
            throw;
        }
    }

    public ProjectorConfig Config { get; }

    public long ParameterCount => _weights.ParameterCount;

    /// <summary>[..., InputSize] -> [..., OutputSize].</summary>
    public Tensor Forward(Tensor features)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.Dim == 0 || features.Size(-1) != Config.InputSize)
        {
            throw new ArgumentException($"projector input must end with {Config.InputSize} features, got {ModuleWeights.Describe(features.Shape)}", nameof(features));
        }

        using var scope = new TensorScope();
        var hidden = ActivationNames.Apply(Config.Activation, _first.Forward(features));
        return scope.MoveToOuter(_second.Forward(hidden));
    }

    public void Dispose() => _weights.Dispose();
}
