namespace FastAV.Live.Engine.Pruning;

/// <summary>
/// A token-selection plug-in: plain arrays in, the ascending indices of the kept tokens out.
/// Non-media tokens and the last token are always among the kept ones.
/// </summary>
public interface IPruningPolicy
{
    string Name { get; }

    PruningStage Stage { get; }

    /// <summary>The layer the policy cuts at (AtLayer policies); null means "the model's default, L/2".</summary>
    int? Layer { get; }

    int[] SelectKept(PruningContext context);
}
