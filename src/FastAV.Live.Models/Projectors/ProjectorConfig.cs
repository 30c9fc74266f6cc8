namespace FastAV.Live.Models.Projectors;

/// <summary>
/// An MLP projector from encoder features to the LLM's hidden size: Linear(in, hidden), activation,
/// Linear(hidden, out). Tensor names are <c>{Prefix}.{FirstLayerName}.*</c> and
/// <c>{Prefix}.{SecondLayerName}.*</c>: LLaVA-HF uses multi_modal_projector.linear_1 / linear_2,
/// LLaVA / VideoLLaMA2 "mlp2x_gelu" use model.mm_projector.0 / .2.
/// </summary>
public sealed record ProjectorConfig
{
    /// <summary>Encoder feature size.</summary>
    public required int InputSize { get; init; }

    /// <summary>LLM hidden size.</summary>
    public required int OutputSize { get; init; }

    /// <summary>Width of the middle layer; null = <see cref="OutputSize"/> (LLaVA's choice).</summary>
    public int? HiddenSize { get; init; }

    public Activation Activation { get; init; } = Activation.Gelu;

    public string Prefix { get; init; } = "multi_modal_projector";

    public string FirstLayerName { get; init; } = "linear_1";

    public string SecondLayerName { get; init; } = "linear_2";

    public int MiddleSize => HiddenSize ?? OutputSize;

    public void Validate()
    {
        Positive(InputSize, nameof(InputSize));
        Positive(OutputSize, nameof(OutputSize));
        Positive(MiddleSize, nameof(HiddenSize));
        if (!Enum.IsDefined(Activation))
        {
            throw new ArgumentOutOfRangeException(nameof(Activation), Activation, "unknown activation");
        }

        if (string.IsNullOrEmpty(FirstLayerName) || string.IsNullOrEmpty(SecondLayerName) || FirstLayerName == SecondLayerName)
        {
            throw new ArgumentException("projector layer names must be two different non-empty names");
        }
    }

    private static void Positive(int value, string name)
    {
        if (value <= 0)
        {
            throw new ArgumentOutOfRangeException(name, value, "must be positive");
        }
    }
}
