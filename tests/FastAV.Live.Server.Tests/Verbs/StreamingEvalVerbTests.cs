using System.Text.Json.Nodes;
using FastAV.Live.Server.Tests.Evaluation;
using FastAV.Live.Server.Tests.Inference;
using FastAV.Live.Server.Verbs;

namespace FastAV.Live.Server.Tests.Verbs;

/// <summary>`fastav eval --streaming`: its files from a real (2-scene) run, and clear errors for bad usage and hostile sets.</summary>
public sealed class StreamingEvalVerbTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fastav-eval-streaming-test-").FullName;

    [Fact]
    public async Task WritesJsonMarkdownAndPlotForEveryBudgetAndPolicy()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await EvalVerb.RunAsync(
            ["--streaming", "--model", TinyModel.Directory, "--scenes", "2", "--budgets", "1,max", "--policies", "streaming-llm,paged", "--pruning", "none", "--out", _dir, "--name", "t2"], stdout, stderr);
        Assert.True(exit == 0, $"exit {exit}: {stderr}\n{stdout}");
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "eval-streaming-t2.json")))!.AsObject();
        Assert.Equal(12, json["windows_per_stream"]!.GetValue<int>());
        Assert.Equal(0.2, json["simulated_minutes"]!.GetValue<double>());
        var rows = json["rows"]!.AsArray().Select(r => r!.AsObject()).ToList();
        Assert.Equal(4, rows.Count);
        Assert.Equal(["paged", "streaming-llm"], rows.Select(r => r["eviction"]!.GetValue<string>()).Distinct().Order());
        foreach (var r in rows)
        {
            Assert.InRange(r["accuracy"]!.GetValue<double>(), 0, 1);
            Assert.True(r["kv_bytes_max"]!.GetValue<long>() <= r["budget_bytes"]!.GetValue<long>());
            Assert.Equal(r["questions"]!.GetValue<int>(), r["questions_recent"]!.GetValue<int>() + r["questions_older"]!.GetValue<int>());
        }

        var svg = File.ReadAllText(Path.Combine(_dir, "eval-streaming-t2.svg"));
        Assert.StartsWith("<svg", svg, StringComparison.Ordinal);
        Assert.Equal(2, svg.Split("<polyline").Length - 1); // one line per policy
        Assert.Equal(4, svg.Split("<circle").Length - 1);
        var md = File.ReadAllText(Path.Combine(_dir, "eval-streaming-t2.md"));
        Assert.Equal(4 + 1, md.Split('\n').Count(l => l.StartsWith("| ", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("--streaming")]
    [InlineData("--streaming --scenes 0")]
    [InlineData("--streaming --minutes 0")]
    [InlineData("--streaming --minutes 100000")]
    [InlineData("--streaming --minutes NaN")]
    [InlineData("--streaming --scenes 2 --minutes 1")]
    [InlineData("--streaming --set /tmp --scenes 2")]
    [InlineData("--streaming --scenes 2 --budgets 0")]
    [InlineData("--streaming --scenes 2 --budgets -1,max")]
    [InlineData("--streaming --scenes 2 --budgets ,")]
    [InlineData("--streaming --scenes 2 --budgets all")]
    [InlineData("--streaming --scenes 2 --budgets 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17")]
    [InlineData("--streaming --scenes 2 --policies lru")]
    [InlineData("--streaming --scenes 2 --pruning fastv")]
    [InlineData("--streaming --scenes 2 --bogus")]
    [InlineData("--scenes 2 --streaming --name")]
    public async Task BadUsageExitsWithTwo(string line)
    {
        var err = new StringWriter();
        Assert.Equal(2, await EvalVerb.RunAsync(line.Split(' ', StringSplitOptions.RemoveEmptyEntries), TextWriter.Null, err));
        Assert.Contains("usage", err.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostileLongStreamSetsAreClearErrors()
    {
        var source = await ShortLongStream.DirectoryAsync();
        File.Copy(Path.Combine(source, "set.safetensors"), Path.Combine(_dir, "set.safetensors"));
        var questions = File.ReadAllText(Path.Combine(source, "questions.json"));

        async Task<string> Fails(string json)
        {
            File.WriteAllText(Path.Combine(_dir, "questions.json"), json);
            var err = new StringWriter();
            Assert.Equal(2, await EvalVerb.RunAsync(["--streaming", "--model", TinyModel.Directory, "--set", _dir, "--out", Path.Combine(_dir, "out")], TextWriter.Null, err));
            return err.ToString();
        }

        // Evidence after the question's own window, or before the stream began.
        var first = JsonNode.Parse(questions)!.AsObject();
        first["questions"]![0]!["evidence_window"] = first["questions"]![0]!["window"]!.GetValue<int>() + 1;
        Assert.Contains("evidence_window", await Fails(first.ToJsonString()), StringComparison.Ordinal);
        first["questions"]![0]!["evidence_window"] = -1;
        Assert.Contains("evidence_window", await Fails(first.ToJsonString()), StringComparison.Ordinal);
        first["questions"]![0]!["evidence_window"] = "0";
        Assert.Contains("evidence_window must be an integer", await Fails(first.ToJsonString()), StringComparison.Ordinal);

        // A scene length the stream cannot have.
        foreach (var bad in new JsonNode[] { 0, 10_000, "6", 2.5 })
        {
            var root = JsonNode.Parse(questions)!.AsObject();
            root["windows_per_scene"] = bad.DeepClone();
            Assert.Contains("windows_per_scene", await Fails(root.ToJsonString()), StringComparison.Ordinal);
        }

        // Truncated questions and a truncated tensor file.
        Assert.Contains("not valid JSON", await Fails(questions[..(questions.Length / 2)]), StringComparison.Ordinal);
        var bytes = File.ReadAllBytes(Path.Combine(source, "set.safetensors"));
        File.WriteAllBytes(Path.Combine(_dir, "set.safetensors"), bytes[..(bytes.Length / 2)]);
        Assert.False(string.IsNullOrWhiteSpace(await Fails(questions)));
        Assert.False(Directory.Exists(Path.Combine(_dir, "out")));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
