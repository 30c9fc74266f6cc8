using System.Text.Json.Nodes;

namespace FastAV.Live.Deployment.Tests.Chart;

/// <summary>
/// The manifests `helm template` rendered for one set of values, parsed, with the objects the tests
/// look at most (the workload, its pod spec, the server container and its environment) at hand.
/// </summary>
public sealed class RenderedChart
{
    public const string Release = "cam";
    public const string Namespace = "media";
    public const string FullName = "cam-fastav-live";

    RenderedChart(string yaml, IReadOnlyList<JsonObject> objects)
    {
        Yaml = yaml;
        Objects = objects;
    }

    public string Yaml { get; }

    public IReadOnlyList<JsonObject> Objects { get; }

    /// <summary>Renders the chart; throws with helm's own output when helm refuses the values.</summary>
    public static async Task<RenderedChart> RenderAsync(
        string? valuesYaml = null, IEnumerable<string>? valuesFiles = null, IEnumerable<string>? helmArguments = null)
    {
        var run = await TemplateAsync(valuesYaml, valuesFiles, helmArguments);
        if (!run.Succeeded)
        {
            throw new InvalidOperationException($"helm template failed: {run}");
        }
        var objects = YamlJson.ParseDocuments(run.StandardOutput).OfType<JsonObject>().ToList();
        return new RenderedChart(run.StandardOutput, objects);
    }

    /// <summary>Renders one of the chart's ci/ values files (plus optional overrides).</summary>
    public static Task<RenderedChart> RenderCiAsync(string ciFile, string? valuesYaml = null) =>
        RenderAsync(valuesYaml, [Path.Combine("ci", ciFile)]);

    /// <summary>`helm template` as it ran: for the tests that expect a refusal.</summary>
    public static Task<HelmRun> TemplateAsync(
        string? valuesYaml = null, IEnumerable<string>? valuesFiles = null, IEnumerable<string>? helmArguments = null)
    {
        var args = new List<string> { "template", Release, HelmTool.ChartDirectory, "--namespace", Namespace };
        foreach (var file in valuesFiles ?? [])
        {
            args.AddRange(["-f", Path.Combine(HelmTool.ChartDirectory, file)]);
        }
        if (valuesYaml is not null)
        {
            args.AddRange(["-f", "-"]);
        }
        args.AddRange(helmArguments ?? []);
        return HelmTool.RunAsync(args, valuesYaml);
    }

    public IEnumerable<JsonObject> OfKind(string kind) => Objects.Where(o => (string?)o["kind"] == kind);

    public JsonObject Single(string kind)
    {
        var found = OfKind(kind).ToList();
        Assert.True(found.Count == 1, $"expected one {kind}, rendered {found.Count}: {string.Join(", ", Objects.Select(Describe))}");
        return found[0];
    }

    public JsonObject Single(string kind, string name)
    {
        var found = OfKind(kind).Where(o => (string?)o["metadata"]?["name"] == name).ToList();
        Assert.True(found.Count == 1, $"expected one {kind} {name}, rendered: {string.Join(", ", Objects.Select(Describe))}");
        return found[0];
    }

    public bool Has(string kind) => OfKind(kind).Any();

    /// <summary>The Deployment or the StatefulSet (exactly one of them renders).</summary>
    public JsonObject Workload
    {
        get
        {
            var found = Objects.Where(o => (string?)o["kind"] is "Deployment" or "StatefulSet").ToList();
            Assert.True(found.Count == 1, $"expected one Deployment or StatefulSet, rendered {found.Count}");
            return found[0];
        }
    }

    public JsonObject PodSpec => Workload["spec"]!["template"]!["spec"]!.AsObject();

    public JsonObject ServerContainer => Container("server");

    public JsonObject Container(string name) =>
        PodSpec["containers"]!.AsArray().Select(c => c!.AsObject()).Single(c => (string?)c["name"] == name);

    /// <summary>The server container's environment by name (literal values only).</summary>
    public IReadOnlyDictionary<string, string?> Env =>
        ServerContainer["env"]!.AsArray().Select(e => e!.AsObject())
            .ToDictionary(e => (string)e["name"]!, e => (string?)e["value"]);

    /// <summary>The pod's volume by name, or null.</summary>
    public JsonObject? Volume(string name) =>
        PodSpec["volumes"]?.AsArray().Select(v => v!.AsObject()).SingleOrDefault(v => (string?)v["name"] == name);

    /// <summary>Mount of a volume in the server container, or null.</summary>
    public JsonObject? ServerMount(string volume) =>
        ServerContainer["volumeMounts"]?.AsArray().Select(m => m!.AsObject()).SingleOrDefault(m => (string?)m["name"] == volume);

    static string Describe(JsonObject o) => $"{o["kind"]}/{o["metadata"]?["name"]}";
}
