namespace FastAV.Live.Engine.Pruning;

/// <summary>Where a policy runs (the "where" column of FASTAV.md's table).</summary>
public enum PruningStage
{
    /// <summary>On the projected media tokens, before the LLM sees them.</summary>
    BeforeLlm,

    /// <summary>Inside the LLM during prefill, at a layer K.</summary>
    AtLayer,
}
