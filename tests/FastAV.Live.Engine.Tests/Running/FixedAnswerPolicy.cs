using FastAV.Live.Engine.Pruning;

namespace FastAV.Live.Engine.Tests.Running;

/// <summary>A hostile plug-in at layer 2: it answers the given rows whatever the block holds.</summary>
internal sealed class FixedAnswerPolicy(int[] answer) : IPruningPolicy
{
    public string Name => "fixed";

    public PruningStage Stage => PruningStage.AtLayer;

    public int? Layer => 2;

    public int[] SelectKept(PruningContext context) => answer;
}
