using System.Diagnostics;
using FastAV.Live.Server.Verbs;

namespace FastAV.Live.Server.Tests.Verbs;

/// <summary>
/// Issue 19, item 7: every verb of the real <c>fastav</c> executable answers --help with its options and their defaults
/// and exit code 0 (<c>fastav --help</c> used to start a server).
/// </summary>
public sealed class HelpTests
{
    private static async Task<(int Exit, string Stdout, string Stderr)> FastavAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "fastav.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(patience.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"fastav {string.Join(' ', args)} did not exit: it is serving instead of printing help");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    [InlineData("serve", "--help")]
    public async Task Serve_help_lists_every_setting_with_its_default_and_exits_zero(params string[] args)
    {
        var (exit, stdout, stderr) = await FastavAsync(args);
        Assert.Equal(0, exit);
        Assert.Equal("", stderr);
        Assert.Contains("--urls ADDRESSES", stdout, StringComparison.Ordinal);
        Assert.Contains("--model DIR|none", stdout, StringComparison.Ordinal);
        foreach (var (section, type, hidden) in ServeHelp.Sections)
        {
            var defaults = Activator.CreateInstance(type)!;
            foreach (var property in ServeHelp.Settings(type).Where(p => !hidden.Contains(p.Name)))
            {
                Assert.Contains($"--{section}:{property.Name}   default ", stdout, StringComparison.Ordinal);
            }
        }

        // Values as the binder reads them, and descriptions from the options' own doc comments.
        Assert.Contains("--LiveAnalytics:MaxPtsGapWindows   default 3", stdout, StringComparison.Ordinal);
        Assert.Contains("--Server:Urls   default http://127.0.0.1:50051", stdout, StringComparison.Ordinal);
        Assert.Contains("--Inference:WindowLatenessSeconds   default 0.5", stdout, StringComparison.Ordinal);
        Assert.Contains("the track is re-based", stdout, StringComparison.Ordinal);
        Assert.Equal(args[0] != "serve", stdout.Contains("calibrate   FastAV's global keep rule", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(new[] { "eval", "--help" }, new[] { "--model DIR", "--set DIR", "--count N", "--seed N", "--out DIR", "--name NAME", "--note TEXT", "--python PATH", "--streaming", "default 1001", "default benchmarks/results" })]
    [InlineData(new[] { "eval", "--streaming", "-h" }, new[] { "--minutes M", "--scenes N", "--budgets LIST", "default 1,2,4,8,max", "--policies LIST", "default streaming-llm,a2sf,paged,infinipot-v", "--pruning LIST", "default none,fastav" })]
    [InlineData(new[] { "calibrate", "--help" }, new[] { "--model DIR", "--mass X", "default 0.9", "--layer K", "--alpha A", "default 0.5", "--write-model", "--count N" })]
    [InlineData(new[] { "tokenize", "--help" }, new[] { "--tokenizer PATH", "--decode" })]
    public async Task Every_verb_answers_help_with_its_options_and_exit_zero(string[] args, string[] options)
    {
        var (exit, stdout, stderr) = await FastavAsync(args);
        Assert.Equal(0, exit);
        Assert.Equal("", stderr);
        Assert.StartsWith("usage: fastav ", stdout, StringComparison.Ordinal);
        Assert.All(options, o => Assert.Contains(o, stdout, StringComparison.Ordinal));
        Assert.Contains("--help, -h", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_verb_still_exits_two_and_points_to_the_help()
    {
        var (exit, _, stderr) = await FastavAsync("serv");
        Assert.Equal(2, exit);
        Assert.Contains("fastav --help", stderr, StringComparison.Ordinal);
    }
}
