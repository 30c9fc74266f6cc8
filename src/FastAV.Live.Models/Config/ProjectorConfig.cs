namespace FastAV.Live.Models.Config;

/// <summary>An encoder-to-LLM projector in fastav.json: its kind and where its weights are in the checkpoint.</summary>
/// <param name="Type">"linear" or "mlp2x_gelu" (Linear, GELU, Linear).</param>
/// <param name="WeightPrefix">Prefix of its tensors' names ("mm_projector.").</param>
public sealed record ProjectorConfig(string Type, string WeightPrefix)
{
    internal static ProjectorConfig Read(ConfigJson json)
    {
        var type = json.String("type");
        if (type is not ("linear" or "mlp2x_gelu"))
        {
            throw new NotSupportedException($"{json.Source}: projector type '{type}' is not supported (linear, mlp2x_gelu)");
        }

        return new ProjectorConfig(type, json.String("weight_prefix", string.Empty));
    }
}
