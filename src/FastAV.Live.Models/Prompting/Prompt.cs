namespace FastAV.Live.Models.Prompting;

/// <summary>
/// A tokenized prompt: text ids with pad ids where window tokens go (their embeddings are replaced by the
/// projectors' outputs at <see cref="Slots"/>), ending where the assistant's answer begins.
/// </summary>
public sealed record Prompt(int[] TokenIds, IReadOnlyList<PromptSlot> Slots);
