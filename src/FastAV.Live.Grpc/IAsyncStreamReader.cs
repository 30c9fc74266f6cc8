namespace FastAV.Live.Grpc;

/// <summary>Reads the messages of a stream one at a time (server: requests; client: responses).</summary>
public interface IAsyncStreamReader<out T>
{
    /// <summary>The message read by the last successful <see cref="MoveNext"/>.</summary>
    T Current { get; }

    /// <summary>Advances to the next message; false at the end of the stream.</summary>
    Task<bool> MoveNext(CancellationToken cancellationToken = default);
}
