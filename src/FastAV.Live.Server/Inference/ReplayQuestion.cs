namespace FastAV.Live.Server.Inference;

/// <summary>A question asked right after window <paramref name="AfterWindow"/> (the model has seen windows 0..AfterWindow).</summary>
public sealed record ReplayQuestion(int AfterWindow, int[] Ids);
