using FastAV.Live.Models.Config;
using FastAV.Live.Models.Tokenization;

namespace FastAV.Live.Models.Composition;

/// <summary>The prompt pieces of a stream model, checked against its towers and the engine's window layout.</summary>
public sealed partial class AvModel
{
    private static StreamPromptIds PromptIds(
        string root, FastAvConfig manifest, BpeTokenizer tokenizer, Qwen2Config hf, VisionConfig? vision, WhisperEncoderConfig? audio, int imageSize)
    {
        var special = manifest.SpecialTokens;
        var separatorName = special.WindowSeparator
            ?? throw new InvalidDataException($"{root}: fastav.json special_tokens.window_separator is required for a stream model");
        int Id(string token, string field) => tokenizer.TryGetId(token, out var id) && id < hf.VocabSize
            ? id
            : throw new InvalidDataException($"{root}: fastav.json special_tokens.{field} '{token}' is not a token of tokenizer.json below vocab_size {hf.VocabSize}");

        var separator = Id(separatorName, "window_separator");
        var videoPad = vision is null ? -1 : Id(special.VideoPad, "video_pad");
        var audioPad = audio is null ? -1 : Id(special.AudioPad, "audio_pad");

        var videoTokens = 0;
        if (vision is not null)
        {
            if (imageSize < vision.PatchSize || imageSize > vision.ImageSize * 8)
            {
                throw new InvalidDataException($"{root}: fastav.json image_size {imageSize} does not suit the vision encoder (patch {vision.PatchSize}, trained on {vision.ImageSize})");
            }

            var side = imageSize / vision.PatchSize;
            var perFrame = manifest.VisionProjector!.PooledGrid is { } g ? g.Rows * g.Cols : side * side;
            if (perFrame != manifest.TokensPerFrame)
            {
                throw new InvalidDataException($"{root}: fastav.json tokens_per_frame {manifest.TokensPerFrame} differs from the {perFrame} tokens the vision tower gives per frame");
            }

            videoTokens = manifest.FramesPerWindow * manifest.TokensPerFrame;
        }

        var audioTokens = 0;
        if (audio is not null)
        {
            var exact = manifest.AudioTokensPerSecond * manifest.WindowSeconds;
            if (Math.Abs(exact - Math.Round(exact)) > 1e-9 || exact < 1)
            {
                throw new InvalidDataException($"{root}: audio_tokens_per_second × window_seconds = {exact} is not a whole number of tokens");
            }

            audioTokens = (int)Math.Round(exact);
        }

        var rendered = manifest.Prompt.Window
            .Replace("{video}", string.Concat(Enumerable.Repeat(special.VideoPad, videoTokens)), StringComparison.Ordinal)
            .Replace("{audio}", string.Concat(Enumerable.Repeat(special.AudioPad, audioTokens)), StringComparison.Ordinal);
        var window = tokenizer.Encode(rendered);
        int[] expected = [.. Enumerable.Repeat(videoPad, videoTokens), .. Enumerable.Repeat(audioPad, audioTokens), separator];
        if (!window.AsSpan().SequenceEqual(expected))
        {
            throw new NotSupportedException(
                $"{root}: fastav.json prompt.window tokenizes to [{string.Join(", ", window.Take(64))}]; the engine needs [frame tokens][audio tokens][separator] = [{string.Join(", ", expected.Take(64))}]");
        }

        var stop = new List<int>();
        foreach (var name in special.Stop)
        {
            stop.Add(Id(name, "stop"));
        }

        stop.AddRange(hf.EosTokenIds.Where(id => !stop.Contains(id)));
        return new StreamPromptIds
        {
            StreamPrefix = tokenizer.Encode(manifest.Prompt.StreamPrefix),
            Window = window,
            VideoPad = videoPad,
            AudioPad = audioPad,
            Separator = separator,
            Stop = [.. stop],
            VideoTokens = videoTokens,
            AudioTokens = audioTokens,
        };
    }
}
