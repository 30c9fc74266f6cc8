namespace FastAV.Live.Server.Inference;

/// <summary>
/// One window ready for the model, prepared off the engine thread: normalised pixels [F, 3, S, S] and log-mel
/// [bins, frames], plus its media span in µs. Source frames are not kept, so a queued window costs kilobytes.
/// </summary>
public sealed record WindowInput(long StartPtsUs, long EndPtsUs, float[] Pixels, float[] Mel, int FramesPresent, int MissingAudioSamples)
{
    /// <summary>TimeProvider timestamp when the window was complete (standing answers measure latency from it).</summary>
    public long ReadyTimestamp { get; init; }
}
