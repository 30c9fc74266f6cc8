using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FastAV.Live.Server.Tests.Inference;
using FastAV.Live.Server.Verbs;

namespace FastAV.Live.Server.Tests.Verbs;

/// <summary>
/// `fastav eval` on 8 held-out streams (seed 1001, written by training/export_set.py) with the committed weights, and
/// the PyTorch model's own accuracy on the same streams (training/fastav_tiny/evaluate.py) as the reference for the
/// unpruned row. The "unpruned ≥ 90 %" is a property of well-trained weights; this asserts what holds for any
/// committed weights: the C# engine reproduces the PyTorch model's measured accuracy.
/// </summary>
public sealed class EvalVerbTests : IDisposable
{
    private const int Streams = 8;
    private const int Seed = 1001;
    private static readonly Lazy<Task<(int Exit, string Out, string Err, JsonObject? Json, string Dir)>> Eval = new(RunEvalAsync);

    private readonly string _dir = Directory.CreateTempSubdirectory("fastav-eval-test-").FullName;

    [Fact]
    public async Task EveryRowIsWellFormedAndPruningCostsLess()
    {
        var (exit, stdout, stderr, json, dir) = await Eval.Value;
        Assert.True(exit == 0, $"exit {exit}: {stderr}\n{stdout}");
        var rows = json!["rows"]!.AsArray().Select(r => r!.AsObject()).ToList();
        Assert.True(rows.Count >= 15, $"{rows.Count} rows");
        foreach (var r in rows)
        {
            var accuracy = r["accuracy"]!.GetValue<double>();
            Assert.InRange(accuracy, 0, 1);
            Assert.False(string.IsNullOrEmpty(r["policy"]!.GetValue<string>()));
            Assert.False(string.IsNullOrEmpty(r["setting"]!.GetValue<string>()));
            var families = r["families"]!.AsObject();
            Assert.Equal(8, families.Count); // colour, count, presence, pitch, avmatch, order, recency, motion
            Assert.All(families, f => Assert.InRange(f.Value!.GetValue<double>(), 0, 1));
            Assert.InRange(r["flops_ratio"]!.GetValue<double>(), 0.05, 1.0 + 1e-9);
            Assert.True(r["kv_bytes"]!.GetValue<long>() > 0);
            Assert.True(r["latency_ms"]!.GetValue<double>() > 0);
            Assert.Equal(json["questions"]!.GetValue<int>(), r["questions"]!.GetValue<int>());
        }

        JsonObject Row(string policy, string? settingPart = null) => rows.First(r => r["policy"]!.GetValue<string>() == policy && (settingPart is null || r["setting"]!.GetValue<string>().Contains(settingPart, StringComparison.Ordinal)));
        var none = Row("none");
        var fastav = Row("fastav");
        Assert.Equal(1.0, none["flops_ratio"]!.GetValue<double>());
        Assert.True(fastav["flops_ratio"]!.GetValue<double>() < 1.0); // the live default: the model's calibrated rule (12 of 13 kept on fastav-tiny)
        Assert.True(fastav["kv_bytes"]!.GetValue<long>() < none["kv_bytes"]!.GetValue<long>());

        // Global selection at equal kept counts: the same cache whichever tokens it keeps, and the same prefill work —
        // the FLOPs ratios differ only by the answers' decode steps (answers of other lengths), under 1 %.
        foreach (var group in rows.Where(r => r["policy"]!.GetValue<string>().StartsWith("global-", StringComparison.Ordinal)).GroupBy(r => r["setting"]!.GetValue<string>()))
        {
            Assert.Equal(3, group.Count());
            var ratios = group.Select(r => r["flops_ratio"]!.GetValue<double>()).ToList();
            Assert.True(ratios.Max() - ratios.Min() < 0.01, string.Join(", ", ratios));
            Assert.Single(group.Select(r => r["kv_bytes"]!.GetValue<long>()).Distinct());
        }

        // Fine pruning P = 0..50 %: FLOPs never rise with P.
        var fine = rows.Where(r => r["policy"]!.GetValue<string>() == "fastav-fine").Select(r => r["flops_ratio"]!.GetValue<double>()).ToList();
        Assert.Equal(6, fine.Count);
        Assert.True(fine.Zip(fine.Skip(1)).All(p => p.Second <= p.First + 1e-12), string.Join(", ", fine));
        Assert.True(fine[^1] < fine[0]);

        var svg = File.ReadAllText(Path.Combine(dir, "eval-t8.svg"));
        Assert.StartsWith("<svg", svg, StringComparison.Ordinal);
        Assert.Equal(rows.Count, svg.Split("<circle cx").Length - 1 - rows.Select(r => r["policy"]!.GetValue<string>()).Distinct().Count());
        var md = File.ReadAllText(Path.Combine(dir, "eval-t8.md"));
        Assert.Equal(rows.Count, md.Split('\n').Count(l => l.StartsWith("| ", StringComparison.Ordinal)) - 1);
    }

    [Fact]
    public async Task UnprunedAccuracyReproducesThePyTorchModel()
    {
        var (exit, _, stderr, json, _) = await Eval.Value;
        Assert.True(exit == 0, stderr);
        var none = json!["rows"]!.AsArray().Select(r => r!.AsObject()).First(r => r["policy"]!.GetValue<string>() == "none");
        var questions = json["questions"]!.GetValue<int>();

        var code = "import sys, json; sys.path.insert(0, 'training'); import torch; torch.set_num_threads(1)\n"
            + "from fastav_tiny.export import load; from fastav_tiny.evaluate import evaluate\n"
            + $"m, t = load('models/fastav-tiny'); r = evaluate(m, t, {Seed}, {Streams})\n"
            + "print(json.dumps({'questions': r['questions'], 'accuracy': r['accuracy'], 'families': {k: [v['correct'], v['questions']] for k, v in r['families'].items()}}))";
        var (pyExit, pyOut, pyErr) = await RunAsync("/usr/bin/python3", ["-c", code], PythonProbe.RepoRoot);
        Assert.True(pyExit == 0, pyErr);
        var py = JsonNode.Parse(pyOut)!.AsObject();
        Assert.Equal(py["questions"]!.GetValue<int>(), questions);

        // Teacher-forced exact match (PyTorch) and greedy decoding (C#) agree question by question in exact arithmetic;
        // float32 differences (logits within 1e-5) may flip at most a near-tie, so one question of slack.
        var csharpCorrect = (int)Math.Round(none["accuracy"]!.GetValue<double>() * questions);
        var pythonCorrect = (int)Math.Round(py["accuracy"]!.GetValue<double>() * questions);
        Assert.True(Math.Abs(csharpCorrect - pythonCorrect) <= 1, $"C# unpruned {csharpCorrect}/{questions}, PyTorch {pythonCorrect}/{questions}");

        // Issue 7's bar for the shipped weights, measured here on held-out streams, not assumed.
        Assert.True(none["accuracy"]!.GetValue<double>() >= 0.9, $"the shipped model answers {csharpCorrect}/{questions} unpruned, below 90 %");
        var families = none["families"]!.AsObject();
        foreach (var (family, counts) in py["families"]!.AsObject())
        {
            var (correct, asked) = (counts![0]!.GetValue<int>(), counts[1]!.GetValue<int>());
            var ours = (int)Math.Round(families[family]!.GetValue<double>() * asked);
            Assert.True(Math.Abs(ours - correct) <= 1, $"{family}: C# {ours}/{asked}, PyTorch {correct}/{asked}");
        }
    }

    [Theory]
    [InlineData("--count")]
    [InlineData("--count 0")]
    [InlineData("--count -3")]
    [InlineData("--bogus")]
    [InlineData("")]
    [InlineData("--set /tmp --count 4")]
    public async Task BadUsageExitsWithTwo(string line)
    {
        var args = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var err = new StringWriter();
        Assert.Equal(2, await EvalVerb.RunAsync(args, TextWriter.Null, err));
        Assert.Contains("usage", err.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingOrMalformedSetsAreClearErrors()
    {
        var err = new StringWriter();
        Assert.Equal(2, await EvalVerb.RunAsync(["--model", TinyModel.Directory, "--set", Path.Combine(_dir, "nothing")], TextWriter.Null, err));
        Assert.Contains("set.safetensors is missing", err.ToString(), StringComparison.Ordinal);

        // frames of the wrong type and rank.
        WriteSafetensors(Path.Combine(_dir, "set.safetensors"), ("frames", "F32", [1, 2], 8), ("audio", "F32", [1, 1, 4], 16));
        File.WriteAllText(Path.Combine(_dir, "questions.json"), "{\"questions\": []}");
        err = new StringWriter();
        Assert.Equal(2, await EvalVerb.RunAsync(["--model", TinyModel.Directory, "--set", _dir], TextWriter.Null, err));
        Assert.Contains("frames must be uint8", err.ToString(), StringComparison.Ordinal);

        // A question about a window the set does not have.
        WriteSafetensors(Path.Combine(_dir, "set.safetensors"), ("frames", "U8", [1, 1, 2, 32, 32, 3], 6144), ("audio", "F32", [1, 1, 16000], 64000));
        File.WriteAllText(Path.Combine(_dir, "questions.json"), "{\"questions\": [{\"stream\": 0, \"family\": \"count\", \"question\": \"how many?\", \"answer\": \"one\", \"window\": 5}]}");
        err = new StringWriter();
        Assert.Equal(2, await EvalVerb.RunAsync(["--model", TinyModel.Directory, "--set", _dir], TextWriter.Null, err));
        Assert.Contains("after window 5", err.ToString(), StringComparison.Ordinal);

        File.WriteAllText(Path.Combine(_dir, "questions.json"), "{\"questions\": [{\"stream\": 0, \"family\": \"count\", \"question\": 7}");
        err = new StringWriter();
        Assert.Equal(2, await EvalVerb.RunAsync(["--model", TinyModel.Directory, "--set", _dir], TextWriter.Null, err));
        Assert.Contains("not valid JSON", err.ToString(), StringComparison.Ordinal);

        File.WriteAllText(Path.Combine(_dir, "questions.json"), "{\"questions\": [{\"stream\": 0, \"family\": \"count\", \"question\": 7, \"answer\": \"one\", \"window\": 0}]}");
        err = new StringWriter();
        Assert.Equal(2, await EvalVerb.RunAsync(["--model", TinyModel.Directory, "--set", _dir], TextWriter.Null, err));
        Assert.Contains("question must be a non-empty string", err.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingModelIsAClearError()
    {
        var err = new StringWriter();
        Assert.Equal(2, await EvalVerb.RunAsync(["--model", _dir, "--set", _dir], TextWriter.Null, err));
        Assert.Contains("has no fastav.json", err.ToString(), StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<(int, string, string, JsonObject?, string)> RunEvalAsync()
    {
        var dir = Directory.CreateTempSubdirectory("fastav-eval-out-").FullName;
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await EvalVerb.RunAsync(["--model", TinyModel.Directory, "--seed", $"{Seed}", "--count", $"{Streams}", "--out", dir, "--name", "t8"], stdout, stderr);
        var path = Path.Combine(dir, "eval-t8.json");
        var json = File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path))!.AsObject() : null;
        return (exit, stdout.ToString(), stderr.ToString(), json, dir);
    }

    private static async Task<(int, string, string)> RunAsync(string file, string[] args, string workingDirectory)
    {
        var start = new System.Diagnostics.ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var p = System.Diagnostics.Process.Start(start)!;
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await o, await e);
    }

    // A safetensors file of zero-filled tensors: (name, dtype, shape, bytes).
    private static void WriteSafetensors(string path, params (string Name, string DType, long[] Shape, int Bytes)[] tensors)
    {
        var header = new JsonObject();
        var offset = 0;
        foreach (var t in tensors)
        {
            header[t.Name] = new JsonObject { ["dtype"] = t.DType, ["shape"] = new JsonArray(t.Shape.Select(s => (JsonNode)s).ToArray()), ["data_offsets"] = new JsonArray(offset, offset + t.Bytes) };
            offset += t.Bytes;
        }

        var text = Encoding.UTF8.GetBytes(header.ToJsonString());
        using var f = File.Create(path);
        f.Write(BitConverter.GetBytes((ulong)text.Length));
        f.Write(text);
        f.Write(new byte[offset]);
    }
}
