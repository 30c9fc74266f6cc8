using FastAV.Live.Engine.Calibration;
using FastAV.Live.Models.Composition;
using FastAV.Live.Models.Decoder;
using FastAV.Live.Server.Evaluation;
using FastAV.Live.Server.Inference;
using FastAV.Live.Torch;

namespace FastAV.Live.Server.Calibration;

/// <summary>
/// Offline calibration of FastAV's global keep rule (never on the serving path): each sample stream is laid out as the
/// live engine sees it — stream prefix, then every window [video][audio][separator] — and run through the decoder once
/// with full attention maps (heads averaged). Attention rollout over those maps gives each token's influence after every
/// layer; each window's media tokens are one sample, their influence normalised to shares of the window's media total
/// (so early and late windows weigh the same). N is the smallest count of first media tokens whose mean share at layer K
/// reaches the target mass (<see cref="KeepRuleCalibrator"/>).
/// </summary>
public sealed class RolloutCalibration
{
    private readonly AvModel _model;
    private readonly RolloutCalibrationOptions _options;
    private readonly WindowFeaturizer _featurizer;

    public RolloutCalibration(AvModel model, RolloutCalibrationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        _options = options ?? new RolloutCalibrationOptions();
        var layers = model.Decoder.Config.LayerCount;
        if (!(_options.Mass > 0 && _options.Mass <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.Mass, "Mass must be a share in (0, 1]");
        }

        if (_options.Layer is { } k && (k < 1 || k >= layers))
        {
            throw new ArgumentOutOfRangeException(nameof(options), k, $"Layer must be within 1..{layers - 1} for a decoder of {layers} layers");
        }

        if (!(_options.Alpha >= 0 && _options.Alpha <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.Alpha, "Alpha must be in [0, 1]");
        }

        if (model.Prompt.VideoTokens + model.Prompt.AudioTokens < 1)
        {
            throw new ArgumentException("the model's windows hold no media tokens", nameof(model));
        }

        _featurizer = new WindowFeaturizer(model);
    }

    /// <summary>Layer K this calibration reads the rule at.</summary>
    public int GlobalLayer => _options.Layer ?? _model.Decoder.Config.LayerCount / 2;

    public RolloutCalibrationResult Run(HeldOutSet set, TextWriter? progress = null)
    {
        ArgumentNullException.ThrowIfNull(set);
        if (set.FramesPerWindow != _model.FramesPerWindow)
        {
            throw new InvalidDataException($"the set has {set.FramesPerWindow} frames per window, the model takes {_model.FramesPerWindow}");
        }

        var layers = _model.Decoder.Config.LayerCount;
        var media = _model.Prompt.VideoTokens + _model.Prompt.AudioTokens;
        var calibrators = Enumerable.Range(0, layers).Select(_ => new KeepRuleCalibrator(_options.Mass)).ToArray();
        var sums = Enumerable.Range(0, layers).Select(_ => new double[media]).ToArray();
        var tokens = 0;
        for (var s = 0; s < set.StreamCount; s++)
        {
            var influence = StreamInfluence(set, s, out tokens);
            for (var w = 0; w < set.WindowCount; w++)
            {
                var first = _model.Prompt.StreamPrefix.Length + (w * _model.TokensPerWindow);
                for (var l = 0; l < layers; l++)
                {
                    var share = Shares(influence[l].AsSpan(first, media));
                    calibrators[l].AddSample(share);
                    for (var j = 0; j < media; j++)
                    {
                        sums[l][j] += share[j];
                    }
                }
            }

            if ((s + 1) % 10 == 0 || s + 1 == set.StreamCount)
            {
                progress?.WriteLine($"rollout: {s + 1}/{set.StreamCount} streams");
            }
        }

        var samples = set.StreamCount * set.WindowCount;
        var shareByLayer = sums.Select(row => row.Select(v => v / samples).ToArray()).ToArray();
        var k = GlobalLayer;
        var keep = calibrators[k - 1].Rule(k).MediaTokensKept;
        return new RolloutCalibrationResult
        {
            GlobalLayer = k,
            KeepFirstMediaTokens = keep,
            TargetMass = _options.Mass,
            KeptMass = shareByLayer[k - 1].Take(keep).Sum(),
            Alpha = _options.Alpha,
            ShareByLayer = shareByLayer,
            KeepByLayer = calibrators.Select(c => c.Rule().MediaTokensKept).ToArray(),
            Streams = set.StreamCount,
            Windows = samples,
            VideoTokensPerWindow = _model.Prompt.VideoTokens,
            AudioTokensPerWindow = _model.Prompt.AudioTokens,
            SequenceTokens = tokens,
        };
    }

    /// <summary>
    /// Rollout influence of every token of one stream after each layer, [layers][tokens]: prefix and all windows as one
    /// causal sequence at positions 0..n−1.
    /// </summary>
    public double[][] StreamInfluence(HeldOutSet set, int stream, out int tokens)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentOutOfRangeException.ThrowIfNegative(stream);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(stream, set.StreamCount);
        var decoder = _model.Decoder;
        var prefix = _model.Prompt.StreamPrefix;
        tokens = prefix.Length + (set.WindowCount * _model.TokensPerWindow);
        if (tokens > decoder.Config.MaxPositionEmbeddings)
        {
            throw new InvalidDataException($"a stream of {set.WindowCount} windows is {tokens} tokens, more than the model's {decoder.Config.MaxPositionEmbeddings} positions");
        }

        var maps = new AttentionMaps();
        using (var scope = new TensorScope())
        {
            var parts = new List<Tensor>(set.WindowCount + 1);
            if (prefix.Length > 0)
            {
                parts.Add(decoder.Embed(Array.ConvertAll(prefix, id => (long)id)));
            }

            for (var w = 0; w < set.WindowCount; w++)
            {
                parts.Add(_featurizer.Embed(set.Frames(stream, w), set.Width, set.Height, set.Audio(stream, w)));
            }

            var positions = new long[tokens];
            for (var i = 0; i < tokens; i++)
            {
                positions[i] = i;
            }

            using var cache = decoder.CreateCache(tokens);
            decoder.RunLayers(Torch.Torch.Cat(parts), positions, cache, 0, decoder.Config.LayerCount, maps: maps);
        }

        var layerMaps = maps.Layers.Select(maps.Map).ToArray();
        return AttentionRollout.InfluenceByLayer(layerMaps, tokens, _options.Alpha);
    }

    private static double[] Shares(ReadOnlySpan<double> influence)
    {
        var total = 0.0;
        foreach (var v in influence)
        {
            total += v;
        }

        var share = new double[influence.Length];
        for (var i = 0; i < share.Length; i++)
        {
            share[i] = total > 0 ? influence[i] / total : 1.0 / share.Length;
        }

        return share;
    }
}
