namespace FastAV.Live.Media;

/// <summary>The frame chosen for one output tick; <see cref="TickPtsMicroseconds"/> is the tick's media time.</summary>
public sealed record SampledFrame(DecodedFrame Frame, long TickPtsMicroseconds, long TickIndex);
