using System.Diagnostics;

namespace FastAV.Live.Media.Tests;

/// <summary>Clips made by the ffmpeg CLI into a temp dir, once per test run, and their ffmpeg-decoded references.</summary>
public sealed class MediaClips : IDisposable
{
    private readonly Dictionary<string, string> _made = [];
    private readonly Lock _lock = new();

    public MediaClips()
    {
        Directory = Path.Combine(Path.GetTempPath(), "fastav-media-tests-" + Environment.ProcessId);
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    /// <summary>Makes (once) a clip from ffmpeg arguments; returns its path.</summary>
    public string Make(string name, string ffmpegArguments)
    {
        lock (_lock)
        {
            if (_made.TryGetValue(name, out var path))
            {
                return path;
            }

            path = Path.Combine(Directory, name);
            RunFfmpeg($"{ffmpegArguments} \"{path}\"");
            _made[name] = path;
            return path;
        }
    }

    /// <summary>ffmpeg's own decode of a clip to packed RGB24 frames.</summary>
    public byte[] ReferenceRgb(string clip, string extraArguments = "")
    {
        var output = Path.Combine(Directory, Path.GetFileName(clip) + ".rgb");
        RunFfmpeg($"-i \"{clip}\" {extraArguments} -fps_mode passthrough -f rawvideo -pix_fmt rgb24 \"{output}\"");
        return File.ReadAllBytes(output);
    }

    /// <summary>ffmpeg's own decode of a clip to 16 kHz mono float32.</summary>
    public float[] ReferenceAudio(string clip)
    {
        var output = Path.Combine(Directory, Path.GetFileName(clip) + ".f32");
        RunFfmpeg($"-i \"{clip}\" -vn -f f32le -ar 16000 -ac 1 \"{output}\"");
        var bytes = File.ReadAllBytes(output);
        var samples = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, samples, 0, samples.Length * 4);
        return samples;
    }

    public static void RunFfmpeg(string arguments) => Run("ffmpeg", "-hide_banner -loglevel error -nostdin -y " + arguments);

    public static string Run(string file, string arguments)
    {
        var psi = new ProcessStartInfo(file, arguments)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {arguments} failed ({process.ExitCode}): {stderr}");
        }

        return stdout.Result;
    }

    public static List<MediaPacket> ReadAll(string path)
    {
        using var source = MediaSource.Open(path);
        var packets = new List<MediaPacket>();
        while (source.ReadPacket() is { } p)
        {
            packets.Add(p);
        }

        return packets;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp dir is harmless.
        }
    }
}
