using FastAV.Live.Models.Config;
using FastAV.Live.Models.Tokenization;

namespace FastAV.Live.Models.Prompting;

/// <summary>
/// Builds the prompt of one question about a window from fastav.json's template. ChatML (Qwen2):
/// <c>&lt;|im_start|&gt;system\n{system}&lt;|im_end|&gt;\n&lt;|im_start|&gt;user\n{user}&lt;|im_end|&gt;\n&lt;|im_start|&gt;assistant\n</c>
/// where {user} is the template's user turn with {video} and {audio} replaced by runs of pad tokens. Template text
/// may spell special tokens; the question is encoded as plain text, so it cannot inject any.
/// </summary>
public sealed class PromptBuilder
{
    private readonly BpeTokenizer _tokenizer;
    private readonly PromptTemplateConfig _template;
    private readonly int _videoPad;
    private readonly int _audioPad;

    public PromptBuilder(BpeTokenizer tokenizer, PromptTemplateConfig template, SpecialTokenNames specialTokens)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(specialTokens);
        _tokenizer = tokenizer;
        _template = template;
        _videoPad = template.User.Contains("{video}", StringComparison.Ordinal) ? tokenizer.GetId(specialTokens.VideoPad) : -1;
        _audioPad = template.User.Contains("{audio}", StringComparison.Ordinal) ? tokenizer.GetId(specialTokens.AudioPad) : -1;
    }

    public Prompt Build(string question, int videoTokenCount, int audioTokenCount)
    {
        ArgumentNullException.ThrowIfNull(question);
        ArgumentOutOfRangeException.ThrowIfNegative(videoTokenCount);
        ArgumentOutOfRangeException.ThrowIfNegative(audioTokenCount);
        var ids = new List<int>();
        var slots = new List<PromptSlot>();
        var run = new List<(string, bool)>(); // text since the last pad run, tokenized as one string
        if (_template.Format == "chatml")
        {
            if (_template.System is { } system)
            {
                run.Add(($"<|im_start|>system\n{system}<|im_end|>\n", true));
            }

            run.Add(("<|im_start|>user\n", true));
        }

        // The user turn: template text, with {video}/{audio}/{question} filled in order.
        var user = _template.User;
        var i = 0;
        while (i < user.Length)
        {
            var next = NextPlaceholder(user, i, out var name);
            run.Add((user[i..next], true));
            if (name is null)
            {
                break;
            }

            switch (name)
            {
                case "{video}":
                    Flush(run, ids);
                    Pads(PromptSlotKind.Video, _videoPad, videoTokenCount, ids, slots);
                    break;
                case "{audio}":
                    Flush(run, ids);
                    Pads(PromptSlotKind.Audio, _audioPad, audioTokenCount, ids, slots);
                    break;
                default:
                    run.Add((question, false));
                    break;
            }

            i = next + name.Length;
        }

        if (_template.Format == "chatml")
        {
            run.Add(("<|im_end|>\n<|im_start|>assistant\n", true));
        }

        Flush(run, ids);
        return new Prompt([.. ids], slots);
    }

    private static int NextPlaceholder(string text, int from, out string? name)
    {
        name = null;
        var best = text.Length;
        foreach (var candidate in new[] { "{video}", "{audio}", "{question}" })
        {
            var at = text.IndexOf(candidate, from, StringComparison.Ordinal);
            if (at >= 0 && at < best)
            {
                (best, name) = (at, candidate);
            }
        }

        return best;
    }

    private void Flush(List<(string, bool)> run, List<int> ids)
    {
        _tokenizer.EncodeSegments(run, ids);
        run.Clear();
    }

    private static void Pads(PromptSlotKind kind, int pad, int count, List<int> ids, List<PromptSlot> slots)
    {
        if (count == 0)
        {
            return;
        }

        slots.Add(new PromptSlot(kind, ids.Count, count));
        ids.AddRange(Enumerable.Repeat(pad, count));
    }
}
