namespace FastAV.Live.LoadTests.Cli;

/// <summary>What the process exit code says.</summary>
public static class ExitCodes
{
    public const int Passed = 0;
    public const int Failed = 1;
    public const int Usage = 2;
    public const int Setup = 3;
}
