using FastAV.Live.Engine.Sessions;

namespace FastAV.Live.Engine.Scheduling;

/// <summary>A window prefill of one stream in a step.</summary>
public sealed record WindowWork(StreamSession Session, Window Window);
