using System.Buffers.Binary;
using System.Text.Json;
using FastAV.Live.Models.Audio;
using FastAV.Live.Models.Projectors;
using FastAV.Live.Models.Vision;
using FastAV.Live.Torch;

namespace FastAV.Live.Models.Tests.Projectors;

/// <summary>One case of encoder_cases.py: its config (Hugging Face field names), weights and per-run tensors.</summary>
public sealed class EncoderReferenceCase
{
    private readonly JsonElement _json;
    private readonly Dictionary<string, (float[] Data, long[] Shape)> _weights = [];
    private readonly Dictionary<string, (float[] Data, long[] Shape)> _tensors = [];

    internal EncoderReferenceCase(JsonElement json, byte[] blob)
    {
        _json = json;
        Name = json.GetProperty("name").GetString()!;
        Read(json.GetProperty("weights"), blob, _weights);
        Read(json.GetProperty("tensors"), blob, _tensors);
        Runs = json.GetProperty("runs").EnumerateArray().Select(r => r.Clone()).ToArray();
    }

    public string Name { get; }

    public JsonElement Config => _json.GetProperty("config");

    public IReadOnlyList<JsonElement> Runs { get; }

    internal ReferenceWeightSource Weights => new(_weights);

    internal IReadOnlyDictionary<string, (float[] Data, long[] Shape)> WeightArrays => _weights;

    public bool Has(string run, string what) => _tensors.ContainsKey(run + "/" + what);

    public Tensor Tensor(string run, string what)
    {
        var (data, shape) = _tensors[run + "/" + what];
        return Torch.Torch.FromSpan<float>(data, shape);
    }

    public (float[] Data, long[] Shape) Array(string run, string what) => _tensors[run + "/" + what];

    public ProjectorConfig ProjectorConfig(int inputSize)
    {
        var p = Config.GetProperty("projector");
        return new ProjectorConfig
        {
            InputSize = inputSize,
            HiddenSize = p.GetProperty("hidden").GetInt32(),
            OutputSize = p.GetProperty("out").GetInt32(),
            Activation = ActivationNames.Parse(p.GetProperty("act").GetString()!),
            Prefix = p.GetProperty("prefix").GetString()!,
            FirstLayerName = p.GetProperty("first").GetString()!,
            SecondLayerName = p.GetProperty("second").GetString()!,
        };
    }

    public VisionTowerConfig VisionConfig()
    {
        var c = Config;
        var encoder = new VisionEncoderConfig
        {
            Kind = c.GetProperty("kind").GetString() == "clip" ? VisionEncoderKind.Clip : VisionEncoderKind.Siglip,
            HiddenSize = c.GetProperty("hidden_size").GetInt32(),
            IntermediateSize = c.GetProperty("intermediate_size").GetInt32(),
            LayerCount = c.GetProperty("num_hidden_layers").GetInt32(),
            HeadCount = c.GetProperty("num_attention_heads").GetInt32(),
            ChannelCount = c.GetProperty("num_channels").GetInt32(),
            ImageSize = c.GetProperty("image_size").GetInt32(),
            PatchSize = c.GetProperty("patch_size").GetInt32(),
            LayerNormEps = c.GetProperty("layer_norm_eps").GetDouble(),
            Activation = ActivationNames.Parse(c.GetProperty("hidden_act").GetString()!),
            FeatureLayer = c.GetProperty("feature_layer").ValueKind == JsonValueKind.Null ? null : c.GetProperty("feature_layer").GetInt32(),
            KeepClassToken = c.TryGetProperty("keep_class_token", out var keep) && keep.GetBoolean(),
        };
        var grid = c.GetProperty("pooled_grid");
        return new VisionTowerConfig
        {
            Encoder = encoder,
            Projector = ProjectorConfig(encoder.HiddenSize),
            PooledGrid = grid.ValueKind == JsonValueKind.Null ? null : new PatchGrid(grid[0].GetInt32(), grid[1].GetInt32()),
            PoolAfterProjector = c.GetProperty("pool_after_projector").GetBoolean(),
        };
    }

    public AudioTowerConfig AudioConfig()
    {
        var c = Config;
        var encoder = new AudioEncoderConfig
        {
            MelBinCount = c.GetProperty("num_mel_bins").GetInt32(),
            HiddenSize = c.GetProperty("d_model").GetInt32(),
            LayerCount = c.GetProperty("encoder_layers").GetInt32(),
            HeadCount = c.GetProperty("encoder_attention_heads").GetInt32(),
            FfnSize = c.GetProperty("encoder_ffn_dim").GetInt32(),
            MaxSourcePositions = c.GetProperty("max_source_positions").GetInt32(),
            PositionsInWeights = c.GetProperty("positions_in_weights").GetBoolean(),
            Prefix = c.GetProperty("prefix").GetString()!,
        };
        var pad = c.GetProperty("pad_to_seconds");
        return new AudioTowerConfig
        {
            Encoder = encoder,
            Projector = ProjectorConfig(encoder.HiddenSize),
            TokensPerSecond = c.GetProperty("tokens_per_second").GetInt32(),
            PadToSeconds = pad.ValueKind == JsonValueKind.Null ? null : pad.GetDouble(),
        };
    }

    private static void Read(JsonElement entries, byte[] blob, Dictionary<string, (float[] Data, long[] Shape)> into)
    {
        foreach (var e in entries.EnumerateObject())
        {
            var offset = e.Value.GetProperty("offset").GetInt64();
            var shape = e.Value.GetProperty("shape").EnumerateArray().Select(s => s.GetInt64()).ToArray();
            var count = shape.Aggregate(1L, (a, b) => a * b);
            var data = new float[count];
            for (var i = 0; i < count; i++)
            {
                data[i] = BinaryPrimitives.ReadSingleLittleEndian(blob.AsSpan((int)((offset + i) * 4), 4));
            }

            into[e.Name] = (data, shape);
        }
    }
}
