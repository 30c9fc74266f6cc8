using FastAV.Live.Engine.Sessions;
using FastAV.Live.Torch;

namespace FastAV.Live.Engine.Running;

/// <summary>A window to prefill in a batched step: the stream, its runner (its pruning), the window's embeddings
/// [TokenCount, hidden] and, for question-aware pruning, the standing question whose last token scores the window.</summary>
public sealed record WindowPrefill(ModelRunner Runner, StreamKv Stream, Tensor Embeddings, Window Window, long[]? QueryIds = null);
