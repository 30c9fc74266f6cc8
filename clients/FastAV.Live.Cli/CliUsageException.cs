namespace FastAV.Live.Cli;

/// <summary>The command line is wrong (unknown verb or flag, missing or malformed value); exit code 64.</summary>
public sealed class CliUsageException : Exception
{
    public CliUsageException(string message)
        : base(message)
    {
    }

    public CliUsageException()
    {
    }

    public CliUsageException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
