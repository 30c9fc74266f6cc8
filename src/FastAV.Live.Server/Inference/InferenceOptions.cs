namespace FastAV.Live.Server.Inference;

/// <summary>The engine's knobs ("Inference" configuration section).</summary>
public sealed class InferenceOptions
{
    public const string SectionName = "Inference";

    /// <summary>Model directory (fastav.json, config.json, safetensors, tokenizer.json); empty = the embedded models/fastav-tiny; "none" = ingest only.</summary>
    public string Model { get; set; } = "";

    /// <summary>Positions kept free above the cache for a question and its answer. Default 128.</summary>
    public int QuestionReserveTokens { get; set; } = 128;

    /// <summary>Per-layer KV budget when StreamOpen leaves it 0; null = the model's trained context (fastav.json trained_windows), else as much as its positions allow.</summary>
    public int? DefaultKvTokensPerLayer { get; set; }

    /// <summary>Complete windows a stream may have queued for the engine; older ones are dropped beyond it. Default 8.</summary>
    public int MaxQueuedWindows { get; set; } = 8;

    /// <summary>Media seconds a stream may fall behind inside the engine before its oldest windows are dropped. Default 4.</summary>
    public double MaxBacklogSeconds { get; set; } = 4.0;

    /// <summary>
    /// Media seconds a window waits for a lagging track once another track has passed its end (a window closes at once
    /// when every declared track has). Default 0.5.
    /// </summary>
    public double WindowLatenessSeconds { get; set; } = 0.5;

    /// <summary>Tokens per engine step over all streams. Default 2048.</summary>
    public int MaxBatchTokens { get; set; } = 2048;

    /// <summary>Run each engine step's work across streams as one forward pass (token-level batching). Default true.</summary>
    public bool BatchStreams { get; set; } = true;

    /// <summary>
    /// libtorch's intra-op (OpenMP) threads on the engine thread: element-wise ops, softmax, attention loops. Default 1;
    /// 0 = libtorch's default (one per core). Matrix products run on the BLAS's own threads (<see cref="BlasThreads"/>):
    /// both pools at 2 on 2 cores oversubscribe them (measured: 100M-decoder prefill 6× slower than 1 + 2).
    /// </summary>
    public int TorchThreads { get; set; } = 1;

    /// <summary>
    /// OpenBLAS's worker threads for libtorch's matrix products (process-wide). Default 0 = one per core the process may
    /// use. A value other than 0 needs libtorch to run on OpenBLAS (scripts/setup.sh selects it); 0 leaves any other BLAS as it is.
    /// </summary>
    public int BlasThreads { get; set; }

    /// <summary>Throws <see cref="InvalidOperationException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        if (TorchThreads is < 0 or > 256)
        {
            throw new InvalidOperationException($"{SectionName}:{nameof(TorchThreads)} must be within 0..256 (0 = libtorch's default), got {TorchThreads}");
        }

        if (BlasThreads is < 0 or > 256)
        {
            throw new InvalidOperationException($"{SectionName}:{nameof(BlasThreads)} must be within 0..256 (0 = one per core), got {BlasThreads}");
        }

        if (!(WindowLatenessSeconds is >= 0 and <= 60))
        {
            throw new InvalidOperationException($"{SectionName}:{nameof(WindowLatenessSeconds)} must be in [0, 60], got {WindowLatenessSeconds}.");
        }
    }
}
