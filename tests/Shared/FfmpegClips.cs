using System.Diagnostics;

namespace FastAV.Live.Tests.Shared;

/// <summary>
/// Media made by the ffmpeg CLI into a folder of this test process's own (<c>FOLDER-PID</c> under the temp folder).
/// Linked into the test projects that make clips (their .csproj).
/// </summary>
internal sealed class FfmpegClips(string folderName)
{
    private readonly Lazy<string> _folder = new(() =>
        Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"{folderName}-{Environment.ProcessId}")).FullName);

    /// <summary>Where a file of this name lives in the folder.</summary>
    public string PathOf(string name) => Path.Combine(_folder.Value, name);

    /// <summary>Runs <c>ffmpeg -y ARGUMENTS FOLDER/NAME</c>: the file's path, or an error with ffmpeg's exit code and message.</summary>
    public string Make(string name, string arguments)
    {
        var path = PathOf(name);
        using var process = Process.Start(new ProcessStartInfo("ffmpeg", $"-hide_banner -loglevel error -nostdin -y {arguments} \"{path}\"") { RedirectStandardError = true })!;
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? path : throw new InvalidOperationException($"ffmpeg failed ({process.ExitCode}): {stderr}");
    }
}
