namespace FastAV.Live.Grpc;

/// <summary>Per-message write flags.</summary>
[Flags]
public enum WriteFlags
{
    None = 0,

    /// <summary>Send this message uncompressed even when the call compresses.</summary>
    NoCompress = 2,
}

/// <summary>Options for writing messages.</summary>
public sealed record WriteOptions(WriteFlags Flags = WriteFlags.None)
{
    public static readonly WriteOptions Default = new();
}
