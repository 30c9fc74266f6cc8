namespace FastAV.Live.Models.Prompting;

/// <summary>Where a window's tokens go in a prompt: <see cref="Count"/> pad ids from <see cref="Start"/>.</summary>
public readonly record struct PromptSlot(PromptSlotKind Kind, int Start, int Count);
