using System.Diagnostics;
using System.Text.Json.Nodes;
using Google.Protobuf;

namespace FastAV.Live.Server.Tests;

/// <summary>
/// Runs clients/python/fastav_live_probe.py (official grpcio) against a server. Stubs are generated once per
/// test run from protos/ with Debian's protoc and grpc_python_plugin into a temporary directory.
/// </summary>
internal static class PythonProbe
{
    private static readonly Lazy<string> Stubs = new(GenerateStubs, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The script's result object (see the probe's docstring).</summary>
    /// <param name="options">More probe options: --token KEY, --ca CA.pem, --cert C.pem --key K.pem.</param>
    public static async Task<JsonObject> RunAsync(string target, JsonObject script, params string[] options)
    {
        var (exit, stdout, stderr) = await RunProcessAsync(
            "/usr/bin/python3",
            [Path.Combine(RepoRoot, "clients", "python", "fastav_live_probe.py"), "--target", target, "--stubs", Stubs.Value, "--timeout", "60", .. options],
            script.ToJsonString());
        if (exit != 0)
        {
            throw new InvalidOperationException($"probe exited with {exit}: {stderr}");
        }

        return JsonNode.Parse(stdout)!.AsObject();
    }

    public static JsonNode Json(IMessage message) => JsonNode.Parse(JsonFormatter.Default.Format(message))!;

    public static T Parse<T>(JsonNode? node)
        where T : IMessage<T>, new() => JsonParser.Default.Parse<T>(node!.ToJsonString());

    private static string GenerateStubs()
    {
        var dir = Path.Combine(Path.GetTempPath(), "fastav-live-stubs-" + Environment.ProcessId);
        Directory.CreateDirectory(dir);
        var protos = Path.Combine(RepoRoot, "protos");
        var (exit, _, stderr) = RunProcessAsync(
            "/usr/bin/protoc",
            ["-I", protos, "--python_out=" + dir, "--grpc_python_out=" + dir, "--plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin",
                Path.Combine(protos, "fastav", "live", "v1", "live.proto")],
            "").GetAwaiter().GetResult();
        return exit == 0 ? dir : throw new InvalidOperationException($"protoc failed ({exit}): {stderr}");
    }

    internal static async Task<(int Exit, string Stdout, string Stderr)> RunProcessAsync(string file, string[] args, string stdin)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} did not finish in 120 s");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FastAV.Live.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("FastAV.Live.sln not found above " + AppContext.BaseDirectory);
    }
}
