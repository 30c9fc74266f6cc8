using FastAV.Live.Models.Audio;
using FastAV.Live.Models.Config;
using FastAV.Live.Models.Decoder;
using FastAV.Live.Models.Loading;
using FastAV.Live.Models.Projectors;
using FastAV.Live.Models.Tokenization;
using FastAV.Live.Models.Vision;
using ProjectorSpec = FastAV.Live.Models.Projectors.ProjectorConfig;

namespace FastAV.Live.Models.Composition;

/// <summary>Loading and cross-checking a model directory. Every failure names the directory, the file and what is wrong.</summary>
public sealed partial class AvModel
{
    /// <summary>
    /// Loads <paramref name="directory"/>. Throws <see cref="DirectoryNotFoundException"/> / <see cref="FileNotFoundException"/>
    /// for missing parts, <see cref="InvalidDataException"/> for malformed or mutually inconsistent files, and
    /// <see cref="NotSupportedException"/> for compositions this code cannot run.
    /// </summary>
    public static AvModel Load(string directory, AvModelOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);

        // TensorScope is per thread: loading on a thread of its own keeps a caller's open scope from adopting (and
        // later disposing) the weights.
        AvModel? model = null;
        System.Runtime.ExceptionServices.ExceptionDispatchInfo? failure = null;
        var loader = new Thread(() =>
        {
            try
            {
                model = LoadHere(directory, options);
            }
            catch (Exception ex)
            {
                failure = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex);
            }
        }, maxStackSize: 16 << 20) { IsBackground = true, Name = "AvModel.Load" };
        loader.Start();
        loader.Join();
        failure?.Throw();
        return model!;
    }

    private static AvModel LoadHere(string directory, AvModelOptions? options)
    {
        options ??= new AvModelOptions();
        var root = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"model directory {root} does not exist");
        }

        var manifest = FastAvConfig.Load(Require(root, FastAvConfig.FileName));
        if (!manifest.Prompt.IsStream)
        {
            throw new NotSupportedException($"{root}: fastav.json prompt format '{manifest.Prompt.Format}' is not a live-stream layout (format \"stream\")");
        }

        var llmDir = Path.Combine(root, manifest.Llm);
        var hf = Qwen2Config.Load(Require(llmDir, "config.json"));
        var decoderConfig = DecoderConfig.FromHuggingFace(hf);
        var tokenizer = BpeTokenizer.Load(Require(Path.Combine(root, manifest.Tokenizer), "tokenizer.json"));
        if (tokenizer.VocabSize > decoderConfig.VocabSize)
        {
            throw new InvalidDataException($"{root}: tokenizer.json has {tokenizer.VocabSize} tokens, more than the decoder's vocab_size {decoderConfig.VocabSize}");
        }

        var visionConfig = manifest.VisionEncoder is { } v ? VisionConfig.Load(Require(Path.Combine(root, v), "config.json")) : null;
        var audioConfig = manifest.AudioEncoder is { } a ? WhisperEncoderConfig.Load(Require(Path.Combine(root, a), "config.json")) : null;
        var imageSize = visionConfig is null ? 0 : manifest.Image.Size ?? visionConfig.ImageSize;
        var prompt = PromptIds(root, manifest, tokenizer, hf, visionConfig, audioConfig, imageSize);
        var weights = new Dictionary<string, SafetensorsWeights>(StringComparer.Ordinal);
        VisionTower? vision = null;
        AudioTower? audio = null;
        DecoderModel? decoder = null;
        try
        {
            var safetensors = new SafetensorsOptions { Device = options.Device, DType = options.DType };
            SafetensorsWeights WeightsIn(string folder)
            {
                var full = Path.GetFullPath(Path.Combine(root, folder));
                if (!weights.TryGetValue(full, out var w))
                {
                    w = SafetensorsWeights.Open(full, safetensors);
                    weights.Add(full, w);
                }

                return w;
            }

            decoder = DecoderModel.Load(decoderConfig, WeightsIn(manifest.Llm), manifest.LlmWeightPrefix);
            var hidden = decoderConfig.HiddenSize;
            if (visionConfig is not null)
            {
                vision = new VisionTower(VisionTowerFor(manifest, visionConfig, hidden), WeightsIn(manifest.VisionEncoder!));
            }

            if (audioConfig is not null)
            {
                audio = new AudioTower(AudioTowerFor(root, manifest, audioConfig, hidden), WeightsIn(manifest.AudioEncoder!));
            }

            // Checked last, so a model whose towers do not fit is named for that first.
            foreach (var (key, rule) in new (string, KeepFirstRule?)[] { ("calibration", manifest.Calibration), ("keep_rule", manifest.KeepRule) })
            {
                if (rule is null)
                {
                    continue;
                }

                var (layer, kept) = rule.Rule;
                if (layer >= decoderConfig.LayerCount)
                {
                    throw new InvalidDataException($"{root}: fastav.json {key}.global_layer {layer} must be within 1..{decoderConfig.LayerCount - 1} (the decoder has {decoderConfig.LayerCount} layers)");
                }

                if (kept > prompt.VideoTokens + prompt.AudioTokens)
                {
                    throw new InvalidDataException($"{root}: fastav.json {key}.keep_first_media_tokens {kept} exceeds the {prompt.VideoTokens + prompt.AudioTokens} media tokens of a window");
                }
            }

            return new AvModel(root, manifest, tokenizer, prompt, vision, audio, decoder, imageSize);
        }
        catch (Exception ex) when (ex is ArgumentException or KeyNotFoundException)
        {
            vision?.Dispose();
            audio?.Dispose();
            decoder?.Dispose();
            throw new InvalidDataException($"{root}: {ex.Message}", ex);
        }
        catch
        {
            vision?.Dispose();
            audio?.Dispose();
            decoder?.Dispose();
            throw;
        }
        finally
        {
            // Tensors are copied out of the mapped files when taken, so the files can close now.
            foreach (var w in weights.Values)
            {
                w.Dispose();
            }
        }
    }

    private static string Require(string folder, string file)
    {
        var path = Path.Combine(folder, file);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{path} is missing", path);
    }

    private static VisionTowerConfig VisionTowerFor(FastAvConfig manifest, VisionConfig c, int hidden)
    {
        var projector = manifest.VisionProjector!;
        return new VisionTowerConfig
        {
            Encoder = new VisionEncoderConfig
            {
                Kind = c.IsClip ? VisionEncoderKind.Clip : VisionEncoderKind.Siglip,
                HiddenSize = c.HiddenSize,
                IntermediateSize = c.IntermediateSize,
                LayerCount = c.NumHiddenLayers,
                HeadCount = c.NumAttentionHeads,
                ImageSize = c.ImageSize,
                PatchSize = c.PatchSize,
                ChannelCount = c.NumChannels,
                LayerNormEps = c.LayerNormEps,
                Activation = ActivationNames.Parse(c.HiddenAct),
                Prefix = manifest.VisionWeightPrefix.TrimEnd('.'),
            },
            Projector = ProjectorFor(projector, c.HiddenSize, hidden),
            PooledGrid = projector.PooledGrid is { } g ? new PatchGrid(g.Rows, g.Cols) : null,
            PoolAfterProjector = projector.PoolAfterProjector,
        };
    }

    private static AudioTowerConfig AudioTowerFor(string root, FastAvConfig manifest, WhisperEncoderConfig c, int hidden)
    {
        if (c.NumMelBins != manifest.AudioFeatures.MelBins)
        {
            throw new InvalidDataException($"{root}: the audio encoder takes {c.NumMelBins} mel bins, fastav.json's features give {manifest.AudioFeatures.MelBins}");
        }

        var perSecond = manifest.AudioTokensPerSecond;
        if (perSecond != Math.Floor(perSecond) || AudioEncoderConfig.PositionsPerSecond % (int)perSecond != 0)
        {
            throw new InvalidDataException($"{root}: fastav.json audio_tokens_per_second {perSecond} must divide the encoder's {AudioEncoderConfig.PositionsPerSecond} positions per second");
        }

        return new AudioTowerConfig
        {
            Encoder = new AudioEncoderConfig
            {
                MelBinCount = c.NumMelBins,
                HiddenSize = c.DModel,
                LayerCount = c.EncoderLayers,
                HeadCount = c.EncoderAttentionHeads,
                FfnSize = c.EncoderFfnDim,
                MaxSourcePositions = c.MaxSourcePositions,
                LayerNormEps = c.LayerNormEps,
                Activation = ActivationNames.Parse(c.ActivationFunction),
                Prefix = manifest.AudioWeightPrefix.TrimEnd('.'),
            },
            Projector = ProjectorFor(manifest.AudioProjector!, c.DModel, hidden),
            TokensPerSecond = (int)perSecond,
        };
    }

    private static ProjectorSpec ProjectorFor(Config.ProjectorConfig p, int input, int hidden)
    {
        if (p.Type != "mlp2x_gelu")
        {
            throw new NotSupportedException($"projector type '{p.Type}' is not supported by AvModel (mlp2x_gelu)");
        }

        return new ProjectorSpec { InputSize = input, OutputSize = hidden, Prefix = p.WeightPrefix.TrimEnd('.') };
    }
}
