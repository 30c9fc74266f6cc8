namespace FastAV.Live.Grpc;

/// <summary>Writes messages to a stream. One write at a time: a second concurrent write throws.</summary>
public interface IAsyncStreamWriter<in T>
{
    /// <summary>Options for the following writes (e.g. no compression).</summary>
    WriteOptions? WriteOptions { get; set; }

    Task WriteAsync(T message, CancellationToken cancellationToken = default);
}

/// <summary>The server's response stream.</summary>
public interface IServerStreamWriter<in T> : IAsyncStreamWriter<T>
{
}

/// <summary>The client's request stream; <see cref="CompleteAsync"/> ends it (half-close).</summary>
public interface IClientStreamWriter<in T> : IAsyncStreamWriter<T>
{
    Task CompleteAsync();
}
