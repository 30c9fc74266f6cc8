namespace FastAV.Live.Models.Composition;

/// <summary>
/// A live-stream model's prompt pieces as token ids: the stream prefix (once), one window's placeholder layout
/// [video pads][audio pads][separator], and the ids that end an answer. Questions are encoded by
/// <see cref="AvModel.QuestionIds"/>.
/// </summary>
public sealed record StreamPromptIds
{
    public required int[] StreamPrefix { get; init; }

    /// <summary>One window: <see cref="VideoTokens"/> × video pad, <see cref="AudioTokens"/> × audio pad, the separator.</summary>
    public required int[] Window { get; init; }

    public required int VideoPad { get; init; }

    public required int AudioPad { get; init; }

    public required int Separator { get; init; }

    /// <summary>Tokens that end an answer (fastav.json's stop list and config.json's eos ids), first = the primary one.</summary>
    public required int[] Stop { get; init; }

    public int VideoTokens { get; init; }

    public int AudioTokens { get; init; }

    public int TokensPerWindow => Window.Length;
}
