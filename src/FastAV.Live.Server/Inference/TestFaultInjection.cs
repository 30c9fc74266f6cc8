using FastAV.Live.Engine.Pruning;
using FastAV.Live.Engine.Running;
using FastAV.Live.Models.Composition;

namespace FastAV.Live.Server.Inference;

/// <summary>
/// Faults for the fault-isolation tests — not a feature. Off by default; there is no configuration key or request field
/// for it: only code that builds the host registers one (tests do, through DI). The named stream's pruning policy
/// keeps every token for <see cref="HealthyWindows"/> windows, then fails on each later window: with a real libtorch
/// allocation failure (a tensor of 2^62 bytes; the stream ends RESOURCE_EXHAUSTED) or with an exception from the
/// policy itself (INTERNAL).
/// </summary>
public sealed class TestFaultInjection
{
    /// <summary>Stream id whose windows fail to allocate; empty = none.</summary>
    public string AllocationFailureStreamId { get; init; } = "";

    /// <summary>Stream id whose pruning policy throws; empty = none.</summary>
    public string ThrowingPolicyStreamId { get; init; } = "";

    /// <summary>Windows the faulty stream prefills normally first.</summary>
    public int HealthyWindows { get; init; } = 2;

    /// <summary>The plan with the faulty policy when <paramref name="streamId"/> is named, else <paramref name="plan"/>.</summary>
    public StreamPlan Apply(AvModel model, string streamId, StreamPlan plan)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(plan);
        var allocation = AllocationFailureStreamId.Length > 0 && streamId == AllocationFailureStreamId;
        var throwing = ThrowingPolicyStreamId.Length > 0 && streamId == ThrowingPolicyStreamId;
        if (!allocation && !throwing) return plan;
        return plan with { Runner = new ModelRunner(model.Decoder, new FaultyPolicy(HealthyWindows, allocation)) };
    }

    /// <summary>Keeps every token, until it fails.</summary>
    private sealed class FaultyPolicy(int healthyWindows, bool allocation) : IPruningPolicy
    {
        private int _calls;

        public string Name => allocation ? "test-fault-allocation" : "test-fault-throwing";

        public PruningStage Stage => PruningStage.AtLayer;

        public int? Layer => null;

        public int[] SelectKept(PruningContext context)
        {
            ArgumentNullException.ThrowIfNull(context);
            if (++_calls > healthyWindows)
            {
                if (!allocation) throw new InvalidOperationException("test fault: the pruning policy threw");
                using var huge = Torch.Torch.Empty([1L << 60]); // 2^62 bytes: the allocator refuses it
            }

            return Enumerable.Range(0, context.Kinds.Length).ToArray();
        }
    }
}
