namespace FastAV.Live.Cli;

/// <summary>
/// fastav-cli's exit codes: 0 success; 1–16 the gRPC status code the call ended with (its name is printed);
/// 64 usage error, 65 media that could not be read mid-stream, 66 a source that could not be opened
/// (the sysexits.h numbers, which do not collide with gRPC codes).
/// </summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Usage = 64;
    public const int MediaError = 65;
    public const int NoInput = 66;
}
