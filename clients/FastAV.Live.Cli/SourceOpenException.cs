using FastAV.Live.Media;

namespace FastAV.Live.Cli;

/// <summary>The stream verb's SOURCE could not be opened (missing file, unreachable URL, unknown format); exit code 66.</summary>
public sealed class SourceOpenException : Exception
{
    public SourceOpenException(string source, MediaException inner)
        : base($"cannot open '{source}'", inner) => Location = source;

    public SourceOpenException()
    {
        Location = "";
    }

    public SourceOpenException(string message)
        : base(message)
    {
        Location = "";
    }

    public SourceOpenException(string message, Exception inner)
        : base(message, inner)
    {
        Location = "";
    }

    /// <summary>The file, URL or device as given.</summary>
    public string Location { get; }
}
