namespace FastAV.Live.Models.Prompting;

public enum PromptSlotKind
{
    Video,
    Audio,
}
