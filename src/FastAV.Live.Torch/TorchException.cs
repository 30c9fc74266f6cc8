namespace FastAV.Live.Torch;

/// <summary>An error raised by libtorch (or the shim's argument checks), carrying libtorch's message.</summary>
public sealed class TorchException : Exception
{
    public TorchException()
    {
    }

    public TorchException(string message)
        : base(message)
    {
    }

    public TorchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
