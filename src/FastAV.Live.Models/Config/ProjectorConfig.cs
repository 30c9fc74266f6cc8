namespace FastAV.Live.Models.Config;

/// <summary>An encoder-to-LLM projector in fastav.json: its kind and where its weights are in the checkpoint.</summary>
/// <param name="Type">"linear" or "mlp2x_gelu" (Linear, GELU, Linear).</param>
/// <param name="WeightPrefix">Prefix of its tensors' names ("mm_projector.").</param>
public sealed record ProjectorConfig(string Type, string WeightPrefix)
{
    /// <summary>Vision only: the patch grid is average-pooled to Rows × Cols cells (row-major); null = no pooling.</summary>
    public (int Rows, int Cols)? PooledGrid { get; init; }

    /// <summary>Pool the projected tokens instead of the encoder features.</summary>
    public bool PoolAfterProjector { get; init; }

    internal static ProjectorConfig Read(ConfigJson json)
    {
        var type = json.String("type");
        if (type is not ("linear" or "mlp2x_gelu"))
        {
            throw new NotSupportedException($"{json.Source}: projector type '{type}' is not supported (linear, mlp2x_gelu)");
        }

        (int, int)? grid = null;
        if (json.Has("pooled_grid"))
        {
            var g = json.DoubleList("pooled_grid");
            if (g.Length != 2 || g.Any(v => v < 1 || v > 4096 || v != Math.Floor(v)))
            {
                throw json.Bad("pooled_grid", "must be [rows, cols] of integers in 1..4096", string.Join(", ", g));
            }

            grid = ((int)g[0], (int)g[1]);
        }

        return new ProjectorConfig(type, json.String("weight_prefix", string.Empty))
        {
            PooledGrid = grid,
            PoolAfterProjector = json.Bool("pool_after_projector", false),
        };
    }
}
