namespace FastAV.Live.Grpc;

/// <summary>Per-call options: metadata, deadline (UTC), cancellation, write flags and request compression.</summary>
public readonly record struct CallOptions(
    Metadata? Headers = null,
    DateTime? Deadline = null,
    CancellationToken CancellationToken = default,
    WriteOptions? WriteOptions = null,
    string? RequestCompression = null);
