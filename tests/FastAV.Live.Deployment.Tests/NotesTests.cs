using System.Text.Json.Nodes;
using FastAV.Live.Deployment.Tests.Chart;

namespace FastAV.Live.Deployment.Tests;

/// <summary>
/// NOTES.txt as `helm install` prints it. `helm template` never renders NOTES and `helm install
/// --dry-run` wants a cluster, so the test renders a copy of the chart in which a ConfigMap carries
/// NOTES.txt through `tpl` — the same template text, the same values, the same helpers.
/// </summary>
public sealed class NotesTests : IDisposable
{
    readonly DirectoryInfo _copy = Directory.CreateTempSubdirectory("fastav-chart-notes-");

    public void Dispose() => _copy.Delete(recursive: true);

    async Task<string> RenderNotesAsync(string? valuesYaml)
    {
        var chart = Path.Combine(_copy.FullName, "fastav-live");
        CopyDirectory(HelmTool.ChartDirectory, chart);
        File.Move(Path.Combine(chart, "templates", "NOTES.txt"), Path.Combine(chart, "notes-source.txt"));
        File.WriteAllText(Path.Combine(chart, "templates", "notes-preview.yaml"), """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: notes-preview
            data:
              notes: |
            {{ tpl (.Files.Get "notes-source.txt") . | trim | indent 4 }}
            """);
        var args = new List<string> { "template", RenderedChart.Release, chart, "-n", RenderedChart.Namespace, "--show-only", "templates/notes-preview.yaml" };
        if (valuesYaml is not null)
        {
            args.AddRange(["-f", "-"]);
        }
        var run = await HelmTool.RunAsync(args, valuesYaml);
        Assert.True(run.Succeeded, run.ToString());
        var map = YamlJson.ParseDocuments(run.StandardOutput).OfType<JsonObject>().Single();
        return (string)map["data"]!["notes"]!;
    }

    [Fact]
    public async Task Notes_name_the_service_ports_gpu_drain_and_the_helm_test()
    {
        var notes = await RenderNotesAsync(null);

        Assert.Contains("deployed as the Deployment cam-fastav-live in namespace media", notes);
        Assert.Contains("gRPC (cleartext HTTP/2 (h2c)):  cam-fastav-live.media.svc:50051", notes);
        Assert.Contains("HTTP (/metrics /healthz /readyz /dashboard):  cam-fastav-live.media.svc:8080", notes);
        Assert.Contains("GPUs per pod: 1 x nvidia.com/gpu", notes);
        Assert.Contains("terminationGracePeriodSeconds 50", notes);
        Assert.Contains("waits up to 1800 s", notes);
        Assert.Contains("grpcurl -plaintext localhost:50051 grpc.health.v1.Health/Check", notes);
        Assert.Contains("helm test cam -n media", notes);
        Assert.Contains("x-fastav-stream-id", notes);
        Assert.DoesNotContain("Autoscaling", notes);
        Assert.Contains("WARNING: auth.apiKeys.enabled is false: anyone who reaches the gRPC port can stream, ask and list", notes);
    }

    [Fact]
    public async Task Notes_follow_tls_autoscaling_statefulset_and_credentials()
    {
        var notes = await RenderNotesAsync(File.ReadAllText(Path.Combine(HelmTool.ChartDirectory, "ci", "all-features-values.yaml")));

        Assert.Contains("deployed as the StatefulSet cam-fastav-live", notes);
        Assert.Contains("gRPC (TLS):", notes);
        Assert.Contains("GPUs per pod: 1 x nvidia.com/mig-3g.40gb", notes);
        Assert.Contains("Model: /mnt/models/fastav-7b", notes);
        Assert.Contains("grpcurl -insecure", notes);
        Assert.Contains("Autoscaling (keda): 2–8 pods", notes);
        Assert.Contains("Calls need credentials: metadata \"authorization: Bearer <API key>\" or a client certificate the tenants file maps", notes);
        Assert.Contains("The tenants file (/etc/fastav/auth/api-keys) is reloaded when its secret changes", notes);
        Assert.DoesNotContain("WARNING", notes);
    }

    static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
