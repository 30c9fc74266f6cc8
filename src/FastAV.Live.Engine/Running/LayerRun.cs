using FastAV.Live.Models.Decoder;
using FastAV.Live.Torch;

namespace FastAV.Live.Engine.Running;

/// <summary>
/// One sequence's work in a lockstep forward (<see cref="Lockstep"/>): before each layer it names its block (and may
/// prune it), after each layer it takes the block's output, and at the end it takes the logits of its last token.
/// A run that fails is rolled back to <see cref="Mark"/> and fails alone.
/// </summary>
internal abstract class LayerRun
{
    protected LayerRun(DecoderModel model, DecoderKvCache cache)
    {
        Model = model;
        Cache = cache;
        Mark = cache.Counts();
    }

    public DecoderModel Model { get; }

    public DecoderKvCache Cache { get; }

    /// <summary>Row counts of the cache before the run appended anything.</summary>
    public int[] Mark { get; }

    /// <summary>The block's hidden states as they leave the last layer run.</summary>
    public Tensor Hidden { get; protected set; } = null!;

    public Exception? Failure { get; private set; }

    /// <summary>The block for <paramref name="layer"/>; the rows it drops here never reach later layers.</summary>
    public abstract DecoderBlock Enter(int layer);

    public virtual void Leave(int layer, Tensor output) => Hidden = output;

    /// <summary>The forward is done: logits of the block's last token [vocab].</summary>
    public abstract void Complete(float[] lastLogits);

    /// <summary>Rolls the cache back and returns to the state before layer 0, to run again.</summary>
    public virtual void Restart() => Cache.Truncate(Mark);

    public void Fail(Exception failure)
    {
        if (Cache.Counts().Zip(Mark).All(c => c.First >= c.Second)) Cache.Truncate(Mark);
        Failure = failure;
    }

    /// <summary>Records a failure in <see cref="Complete"/>, after the run has changed the stream's state.</summary>
    public void FailAfterForward(Exception failure) => Failure = failure;
}
