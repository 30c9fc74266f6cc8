using System.Text.Json.Nodes;
using FastAV.Live.Engine.Calibration;
using FastAV.Live.Models.Composition;
using FastAV.Live.Models.Decoder;
using FastAV.Live.Server.Evaluation;
using FastAV.Live.Server.Inference;
using FastAV.Live.Server.Streams;
using FastAV.Live.Server.Tests.Inference;
using FastAV.Live.Server.Verbs;
using FastAV.Live.Torch;

namespace FastAV.Live.Server.Tests.Verbs;

/// <summary>
/// `fastav calibrate` on 3 held-out streams (seed 1001, written once by training/export_set.py) with the committed
/// weights: the report is well-formed, the chosen N is the smallest that reaches the mass on the measured rollout, and
/// the measured shares equal a rollout recomputed here from the decoder's attention maps layer by layer.
/// </summary>
public sealed class CalibrateVerbTests : IDisposable
{
    private const int Streams = 3;
    private const double Mass = 0.8;
    private static readonly Lazy<Task<Calibrated>> Run = new(CalibrateAsync);

    private readonly string _dir = Directory.CreateTempSubdirectory("fastav-calibrate-test-").FullName;

    [Fact]
    public async Task TheReportIsWellFormed()
    {
        var c = await Run.Value;
        Assert.True(c.Exit == 0, $"exit {c.Exit}: {c.Err}\n{c.Out}");
        var json = c.Json!;
        var rule = json["rule"]!.AsObject();
        Assert.Equal(2, rule["global_layer"]!.GetValue<int>()); // L/2 of 4 layers
        Assert.Equal(Mass, rule["mass"]!.GetValue<double>());
        var n = rule["keep_first_media_tokens"]!.GetValue<int>();
        Assert.InRange(n, 1, 13);
        Assert.Equal((13, 8, 5), (json["media_tokens_per_window"]!.GetValue<int>(), json["video_tokens_per_window"]!.GetValue<int>(), json["audio_tokens_per_window"]!.GetValue<int>()));
        Assert.Equal(Streams, json["streams"]!.GetValue<int>());
        var windows = json["windows_per_stream"]!.GetValue<int>();
        Assert.Equal(Streams * windows, json["windows"]!.GetValue<int>());
        Assert.Equal(3 + (14 * windows), json["sequence_tokens"]!.GetValue<int>()); // prefix "<|im_start|>user\n" (3 tokens) + windows of [8 video][5 audio][separator]
        var shares = Shares(json);
        Assert.Equal(4, shares.Length);
        Assert.All(shares, row =>
        {
            Assert.Equal(13, row.Length);
            Assert.Equal(1.0, row.Sum(), 1e-9);
            Assert.All(row, v => Assert.InRange(v, 0, 1));
        });
        Assert.Equal((int)Math.Ceiling(Mass * 13), json["uniform_keep_first_media_tokens"]!.GetValue<int>());
        Assert.Equal("three streams", json["note"]!.GetValue<string>());
        Assert.Equal(4, json["keep_by_layer"]!.AsArray().Count);
        Assert.Equal(n, json["keep_by_layer"]![1]!.GetValue<int>());
        Assert.Equal(10, json["uncalibrated_default"]!["keep_first_media_tokens"]!.GetValue<int>());
        Assert.Equal(shares[1].Take(10).Sum(), json["uncalibrated_default"]!["mass"]!.GetValue<double>(), 1e-12);
        Assert.Contains($"rule: at layer 2 keep the first {n} of 13 media tokens", c.Out, StringComparison.Ordinal);

        var md = File.ReadAllText(Path.Combine(c.Dir, "calibrate-t3.md"));
        Assert.Contains($"keep the first {n} of 13 media tokens per window", md, StringComparison.Ordinal);
        Assert.Equal(4 + 1, md.Split('\n').Count(l => l.StartsWith("| ", StringComparison.Ordinal))); // header + one row per layer
        var svg = File.ReadAllText(Path.Combine(c.Dir, "calibrate-t3.svg"));
        Assert.StartsWith("<svg", svg, StringComparison.Ordinal);
        Assert.Equal(4 * 13, svg.Split("<rect x=").Length - 1);
        Assert.Single(svg.Split("<line ").Skip(1)); // the rule's cut
        Assert.Contains("![heat map](calibrate-t3.svg)", md, StringComparison.Ordinal);
        var pgm = File.ReadAllBytes(Path.Combine(c.Dir, "calibrate-t3.pgm"));
        var header = "P5\n" + (13 * 24) + " " + (4 * 24) + "\n255\n";
        Assert.Equal(header, System.Text.Encoding.ASCII.GetString(pgm, 0, header.Length));
        Assert.Equal(header.Length + (13 * 24 * 4 * 24), pgm.Length);
    }

    [Fact]
    public async Task TheChosenNIsTheSmallestReachingTheMass()
    {
        var c = await Run.Value;
        Assert.True(c.Exit == 0, c.Err);
        var n = c.Json!["rule"]!["keep_first_media_tokens"]!.GetValue<int>();
        var atK = Shares(c.Json)[1];
        var kept = atK.Take(n).Sum();
        Assert.True(kept >= Mass - 1e-12, $"the first {n} hold {kept}");
        Assert.True(atK.Take(n - 1).Sum() < Mass, $"the first {n - 1} already hold {atK.Take(n - 1).Sum()}");
        Assert.Equal(kept, c.Json["kept_mass"]!.GetValue<double>(), 1e-12);
    }

    [Fact]
    public async Task TheMeasuredSharesEqualARolloutRecomputedHere()
    {
        var c = await Run.Value;
        Assert.True(c.Exit == 0, c.Err);
        var set = HeldOutSet.Load(c.Set);
        using var model = AvModel.Load(TinyModel.Directory);
        var featurizer = new WindowFeaturizer(model);
        var prefix = model.Prompt.StreamPrefix;
        var layers = model.Decoder.Config.LayerCount;
        var expected = new double[layers, 13];
        for (var s = 0; s < set.StreamCount; s++)
        {
            var maps = new AttentionMaps();
            int n;
            using (var scope = new TensorScope())
            {
                var parts = new List<Tensor> { model.Decoder.Embed(Array.ConvertAll(prefix, id => (long)id)) };
                parts.AddRange(Enumerable.Range(0, set.WindowCount).Select(w => featurizer.Embed(set.Frames(s, w), set.Width, set.Height, set.Audio(s, w))));
                var h = Torch.Torch.Cat(parts);
                n = (int)h.Size(0);
                using var cache = model.Decoder.CreateCache();
                model.Decoder.RunLayers(h, Enumerable.Range(0, n).Select(i => (long)i).ToArray(), cache, 0, layers, maps: maps);
            }

            var perLayer = Enumerable.Range(0, layers).Select(maps.Map).ToArray();
            for (var l = 0; l < layers; l++)
            {
                // From scratch for each depth (the verb multiplies once through all layers).
                var influence = AttentionRollout.Influence(AttentionRollout.Rollout(perLayer, n, l + 1), n);
                for (var w = 0; w < set.WindowCount; w++)
                {
                    var media = influence.Skip(prefix.Length + (14 * w)).Take(13).ToArray();
                    for (var j = 0; j < 13; j++)
                    {
                        expected[l, j] += media[j] / media.Sum() / (set.StreamCount * set.WindowCount);
                    }
                }
            }
        }

        var shares = Shares(c.Json!);
        for (var l = 0; l < layers; l++)
        {
            for (var j = 0; j < 13; j++)
            {
                Assert.Equal(expected[l, j], shares[l][j], 1e-9);
            }
        }
    }

    [Fact]
    public async Task WriteModelRecordsTheRuleAndThePlannerUsesIt()
    {
        var c = await Run.Value;
        Assert.True(c.Exit == 0, c.Err);
        var model = Path.Combine(_dir, "model");
        Directory.CreateDirectory(model);
        foreach (var name in new[] { "fastav.json", "config.json", "model.safetensors", "tokenizer.json" })
        {
            File.Copy(Path.Combine(TinyModel.Directory, name), Path.Combine(model, name));
        }

        // An uncalibrated copy (the shipped model may carry a calibration once the lead runs --write-model).
        var original = JsonNode.Parse(File.ReadAllText(Path.Combine(TinyModel.Directory, "fastav.json")))!.AsObject();
        original.Remove("calibration");
        File.WriteAllText(Path.Combine(model, "fastav.json"), original.ToJsonString());
        using var uncalibrated = AvModel.Load(model);
        Assert.Null(uncalibrated.Manifest.Calibration);

        var err = new StringWriter();
        var stdout = new StringWriter();
        Assert.Equal(0, await CalibrateVerb.RunAsync(["--model", model, "--set", c.Set, "--out", Path.Combine(_dir, "out"), "--mass", "0.3", "--write-model"], stdout, err));
        Assert.Contains("fastav.json", stdout.ToString(), StringComparison.Ordinal);
        var written = JsonNode.Parse(File.ReadAllText(Path.Combine(model, "fastav.json")))!.AsObject();
        var report = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "out", "calibrate-fastav-tiny.json")))!.AsObject();
        Assert.Equal(report["rule"]!.ToJsonString(), written["calibration"]!.ToJsonString());
        written.Remove("calibration");
        Assert.True(JsonNode.DeepEquals(original, written), "every other field is kept");
        var n = report["rule"]!["keep_first_media_tokens"]!.GetValue<int>();
        Assert.True(n < 10, $"mass 0.3 keeps {n}, fewer than the uncalibrated 10"); // so the test tells the two defaults apart

        using var calibrated = AvModel.Load(model);
        Assert.Equal((2, n, 0.3), (calibrated.Manifest.Calibration!.GlobalLayer, calibrated.Manifest.Calibration.KeepFirstMediaTokens, calibrated.Manifest.Calibration.Mass));

        // FastAV with keep_first_tokens and keep_ratio at 0 keeps the calibrated N (+ the separator); any explicit value wins.
        Assert.Equal(n + 1, KeptAtGlobalLayer(calibrated, new Contracts.V1.PruningConfig { Policy = Contracts.V1.PruningPolicy.Fastav }));
        Assert.Equal(4 + 1, KeptAtGlobalLayer(calibrated, new Contracts.V1.PruningConfig { Policy = Contracts.V1.PruningPolicy.Fastav, KeepRatio = 0.3f }));
        Assert.Equal(5 + 1, KeptAtGlobalLayer(calibrated, new Contracts.V1.PruningConfig { Policy = Contracts.V1.PruningPolicy.Fastav, KeepFirstTokens = 5 }));
        Assert.Equal(10 + 1, KeptAtGlobalLayer(uncalibrated, new Contracts.V1.PruningConfig { Policy = Contracts.V1.PruningPolicy.Fastav }));
    }

    [Theory]
    [InlineData("")]
    [InlineData("--model")]
    [InlineData("--set /tmp --count 4")]
    [InlineData("--model M")]
    [InlineData("--model M --set /tmp --count 4")]
    [InlineData("--model M --count 0")]
    [InlineData("--model M --count -3")]
    [InlineData("--model M --count 3 --mass 0")]
    [InlineData("--model M --count 3 --mass 1.5")]
    [InlineData("--model M --count 3 --mass NaN")]
    [InlineData("--model M --count 3 --mass abc")]
    [InlineData("--model M --count 3 --alpha 2")]
    [InlineData("--model M --count 3 --layer 0")]
    [InlineData("--model M --count 3 --layer")]
    [InlineData("--model M --count 3 --bogus")]
    [InlineData("--model M --count 3 --note")]
    public async Task BadUsageExitsWithTwo(string line)
    {
        var args = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(a => a == "M" ? TinyModel.Directory : a).ToArray();
        var err = new StringWriter();
        Assert.Equal(2, await CalibrateVerb.RunAsync(args, TextWriter.Null, err));
        Assert.Contains("usage: fastav calibrate", err.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALayerTheModelDoesNotHaveIsBadUsage()
    {
        var c = await Run.Value;
        var err = new StringWriter();
        Assert.Equal(2, await CalibrateVerb.RunAsync(["--model", TinyModel.Directory, "--set", c.Set, "--layer", "4"], TextWriter.Null, err));
        Assert.Contains("--layer 4 must be within 1..3", err.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingOrHostileModelsAndSetsAreClearErrors()
    {
        var c = await Run.Value;
        var err = new StringWriter();
        Assert.Equal(2, await CalibrateVerb.RunAsync(["--model", Path.Combine(_dir, "nothing"), "--set", c.Set], TextWriter.Null, err));
        Assert.Contains("has no fastav.json", err.ToString(), StringComparison.Ordinal);

        var hostile = Path.Combine(_dir, "hostile");
        Directory.CreateDirectory(hostile);
        File.WriteAllText(Path.Combine(hostile, "fastav.json"), "{\"llm\": \"../../etc\", \"tokenizer\": \".\"");
        err = new StringWriter();
        Assert.Equal(2, await CalibrateVerb.RunAsync(["--model", hostile, "--set", c.Set], TextWriter.Null, err));
        Assert.Contains("not valid JSON", err.ToString(), StringComparison.Ordinal);

        File.WriteAllText(Path.Combine(hostile, "fastav.json"), "{\"llm\": \"../../etc\", \"special_tokens\": {}}");
        err = new StringWriter();
        Assert.Equal(2, await CalibrateVerb.RunAsync(["--model", hostile, "--set", c.Set], TextWriter.Null, err));
        Assert.Contains("must be a folder inside the model directory", err.ToString(), StringComparison.Ordinal);

        // A model whose weights are missing, and a set that is missing: named, nothing written.
        File.Copy(Path.Combine(TinyModel.Directory, "fastav.json"), Path.Combine(hostile, "fastav.json"), overwrite: true);
        err = new StringWriter();
        Assert.Equal(2, await CalibrateVerb.RunAsync(["--model", hostile, "--set", c.Set, "--out", Path.Combine(_dir, "out")], TextWriter.Null, err));
        Assert.Contains("config.json", err.ToString(), StringComparison.Ordinal);
        err = new StringWriter();
        Assert.Equal(2, await CalibrateVerb.RunAsync(["--model", TinyModel.Directory, "--set", Path.Combine(_dir, "noset"), "--out", Path.Combine(_dir, "out")], TextWriter.Null, err));
        Assert.Contains("set.safetensors is missing", err.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_dir, "out")));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static double[][] Shares(JsonObject json) =>
        json["share_by_layer"]!.AsArray().Select(r => r!.AsArray().Select(v => v!.GetValue<double>()).ToArray()).ToArray();

    private static int KeptAtGlobalLayer(AvModel model, Contracts.V1.PruningConfig pruning)
    {
        var open = new Contracts.V1.StreamOpen { StreamId = "calibrated", Pruning = pruning };
        var status = StreamPlanner.Plan(model, open, StreamSettings.Resolve(open, new LiveAnalyticsOptions()), new InferenceOptions(), out var plan);
        Assert.True(status.StatusCode == Grpc.Core.StatusCode.OK, status.Detail);
        using var scope = new TensorScope();
        using var stream = plan!.Runner.CreateStream(plan.Cache, plan.Eviction);
        var session = new Engine.Sessions.StreamSession("calibrated", plan.Session);
        session.SetPrompt(model.Prompt.StreamPrefix.Length);
        plan.Runner.PrefillPrompt(stream, Array.ConvertAll(model.Prompt.StreamPrefix, id => (long)id));
        var window = session.AddWindow(0);
        var result = plan.Runner.PrefillWindow(stream, Torch.Torch.Randn([model.TokensPerWindow, model.HiddenSize]), window);
        return result.KeptPerLayer[plan.Runner.GlobalLayer].Length;
    }

    private static async Task<Calibrated> CalibrateAsync()
    {
        var set = Directory.CreateTempSubdirectory("fastav-calibrate-set-").FullName;
        await EvalVerb.ExportSetAsync("/usr/bin/python3", 1001, Streams, set);
        var dir = Directory.CreateTempSubdirectory("fastav-calibrate-out-").FullName;
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await CalibrateVerb.RunAsync(["--model", TinyModel.Directory, "--set", set, "--out", dir, "--name", "t3", "--mass", Mass.ToString(System.Globalization.CultureInfo.InvariantCulture), "--note", "three streams"], stdout, stderr);
        var path = Path.Combine(dir, "calibrate-t3.json");
        var json = File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path))!.AsObject() : null;
        return new Calibrated(exit, stdout.ToString(), stderr.ToString(), json, dir, set);
    }

    private sealed record Calibrated(int Exit, string Out, string Err, JsonObject? Json, string Dir, string Set);
}
