using FastAV.Live.Models.Projectors;

namespace FastAV.Live.Models.Vision;

/// <summary>Vision encoder + optional pooling of each frame's patch grid + MLP projector to the LLM's hidden size.</summary>
public sealed record VisionTowerConfig
{
    public required VisionEncoderConfig Encoder { get; init; }

    public required ProjectorConfig Projector { get; init; }

    /// <summary>Grid each frame's patches are average-pooled to (tokens per frame = Rows·Cols); null = no pooling.</summary>
    public PatchGrid? PooledGrid { get; init; }

    /// <summary>Pool the projected tokens instead of the encoder features (LLaVA-OneVision pools after projecting).</summary>
    public bool PoolAfterProjector { get; init; }

    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Encoder);
        ArgumentNullException.ThrowIfNull(Projector);
        Encoder.Validate();
        Projector.Validate();
        if (Projector.InputSize != Encoder.HiddenSize)
        {
            throw new ArgumentException($"projector input size {Projector.InputSize} differs from the vision hidden size {Encoder.HiddenSize}");
        }

        if (PooledGrid is { } grid)
        {
            if (grid.Rows < 1 || grid.Cols < 1 || grid.Rows > VisionEncoderConfig.MaxSize || grid.Cols > VisionEncoderConfig.MaxSize)
            {
                throw new ArgumentOutOfRangeException(nameof(PooledGrid), grid, "pooled grid must be at least 1x1");
            }

            if (Encoder.HasClassToken && (Encoder.KeepClassToken || Encoder.FeatureLayer is null))
            {
                throw new ArgumentException("pooling needs patch tokens only: select a FeatureLayer and drop the class token");
            }
        }
    }
}
