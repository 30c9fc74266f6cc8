namespace FastAV.Live.Media;

/// <summary>A media operation failed; the message carries FFmpeg's or the shim's explanation.</summary>
public sealed class MediaException : Exception
{
    public MediaException(string message)
        : base(message)
    {
    }

    public MediaException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public MediaException()
    {
    }

    internal static MediaException FromNative(string operation, int code) =>
        new($"{operation} failed ({code}): {Native.MediaNative.LastErrorMessage()}");
}
