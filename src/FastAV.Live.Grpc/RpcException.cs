namespace FastAV.Live.Grpc;

/// <summary>Thrown by handlers to end a call with a status, and by the client when a call ends without OK.</summary>
public class RpcException : Exception
{
    public RpcException(Status status)
        : this(status, new Metadata())
    {
    }

    public RpcException(Status status, Metadata trailers)
        : base(status.ToString())
    {
        Status = status;
        Trailers = trailers;
    }

    public RpcException(Status status, string message)
        : base(message)
    {
        Status = status;
        Trailers = new Metadata();
    }

    public Status Status { get; }

    public StatusCode StatusCode => Status.StatusCode;

    public Metadata Trailers { get; }
}
