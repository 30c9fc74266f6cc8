using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FastAV.Live.Deployment.Tests.Chart;

namespace FastAV.Live.Deployment.Tests;

/// <summary>ci/default-values.yaml rendered: what a plain `helm install` deploys, object by object.</summary>
public sealed partial class DefaultValuesTests
{
    static readonly Lazy<Task<RenderedChart>> Rendered = new(() => RenderedChart.RenderCiAsync("default-values.yaml"));

    static Task<RenderedChart> ChartAsync() => Rendered.Value;

    [Fact]
    public async Task Renders_exactly_the_always_on_objects()
    {
        var chart = await ChartAsync();

        var kinds = chart.Objects.Select(o => $"{o["kind"]}/{o["metadata"]!["name"]}").Order().ToList();

        Assert.Equal(
            new[]
            {
                "Deployment/cam-fastav-live",
                "Pod/cam-fastav-live-test-grpc-health",
                "PodDisruptionBudget/cam-fastav-live",
                "Service/cam-fastav-live",
                "Service/cam-fastav-live-headless",
                "ServiceAccount/cam-fastav-live",
            },
            kinds);
    }

    [Fact]
    public async Task Deployment_has_fixed_replicas_and_selects_its_pods()
    {
        var chart = await ChartAsync();
        var spec = chart.Workload["spec"]!;

        Assert.Equal("Deployment", (string?)chart.Workload["kind"]);
        Assert.Equal(1, (int)spec["replicas"]!);
        var selector = spec["selector"]!["matchLabels"]!.AsObject();
        var podLabels = spec["template"]!["metadata"]!["labels"]!.AsObject();
        Assert.Equal(3, selector.Count);
        foreach (var (key, value) in selector)
        {
            Assert.Equal((string?)value, (string?)podLabels[key]);
        }
        Assert.Equal("server", (string?)selector["app.kubernetes.io/component"]);
        Assert.Equal(0, (int)spec["strategy"]!["rollingUpdate"]!["maxUnavailable"]!);
    }

    [Fact]
    public async Task Server_asks_for_one_nvidia_gpu_in_requests_and_limits_on_the_nvidia_runtime()
    {
        var chart = await ChartAsync();
        var resources = chart.ServerContainer["resources"]!;

        Assert.Equal(1, (int)resources["requests"]!["nvidia.com/gpu"]!);
        Assert.Equal(1, (int)resources["limits"]!["nvidia.com/gpu"]!);
        Assert.Equal("4", (string?)resources["requests"]!["cpu"]);
        Assert.Equal("16Gi", (string?)resources["requests"]!["memory"]);
        Assert.Equal("32Gi", (string?)resources["limits"]!["memory"]);
        Assert.Null(resources["limits"]!["cpu"]);
        Assert.Equal("nvidia", (string?)chart.PodSpec["runtimeClassName"]);
    }

    [Fact]
    public async Task Probes_use_the_plain_http_port_paths()
    {
        var chart = await ChartAsync();
        var server = chart.ServerContainer;

        var ports = server["ports"]!.AsArray().ToDictionary(p => (string)p!["name"]!, p => (int)p!["containerPort"]!);
        Assert.Equal(new Dictionary<string, int> { ["grpc"] = 50051, ["http"] = 8080 }, ports);

        AssertProbe(server["startupProbe"]!, "/readyz");
        AssertProbe(server["readinessProbe"]!, "/readyz");
        AssertProbe(server["livenessProbe"]!, "/healthz");
        // The startup budget covers a 30-minute model load before liveness may restart the pod.
        var startup = server["startupProbe"]!;
        Assert.Equal(1800, (int)startup["periodSeconds"]! * (int)startup["failureThreshold"]!);
    }

    static void AssertProbe(JsonNode probe, string path)
    {
        Assert.Equal(path, (string?)probe["httpGet"]!["path"]);
        Assert.Equal("http", (string?)probe["httpGet"]!["port"]);
        Assert.Equal("HTTP", (string?)probe["httpGet"]!["scheme"]);
        Assert.Null(probe["grpc"]);
        Assert.Null(probe["exec"]);
    }

    [Fact]
    public async Task Grace_period_exceeds_prestop_plus_drain_delay_plus_shutdown_timeout()
    {
        var chart = await ChartAsync();

        var grace = (int)chart.PodSpec["terminationGracePeriodSeconds"]!;
        var preStop = (int)chart.ServerContainer["lifecycle"]!["preStop"]!["sleep"]!["seconds"]!;
        var drainDelay = TimeSpan.Parse(chart.Env["FASTAV_Server__DrainDelay"]!, System.Globalization.CultureInfo.InvariantCulture);
        var shutdown = TimeSpan.Parse(chart.Env["FASTAV_Server__ShutdownTimeout"]!, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(5, preStop);
        Assert.Equal(TimeSpan.FromSeconds(10), drainDelay);
        Assert.Equal(TimeSpan.FromSeconds(30), shutdown);
        Assert.Equal(50, grace);
        Assert.True(grace > preStop + drainDelay.TotalSeconds + shutdown.TotalSeconds);
    }

    [Fact]
    public async Task Environment_configures_the_server_in_its_own_setting_names()
    {
        var chart = await ChartAsync();
        var env = chart.Env;

        Assert.Equal("http://0.0.0.0:50051", env["FASTAV_Server__Urls"]);
        Assert.Equal("http://0.0.0.0:8080", env["FASTAV_Server__HttpUrls"]);
        Assert.Equal("json", env["FASTAV_Logging__Format"]);
        Assert.All(env.Keys, name => Assert.Matches(EnvName(), name));
        // Defaults leave the embedded model, TLS, API keys and tracing to the server's own defaults.
        Assert.DoesNotContain("FASTAV_Inference__Model", env.Keys);
        Assert.DoesNotContain("FASTAV_Server__CertificatePath", env.Keys);
        Assert.DoesNotContain("FASTAV_Auth__ApiKeysFile", env.Keys);
        Assert.DoesNotContain("FASTAV_OpenTelemetry__Endpoint", env.Keys);
        Assert.Equal(["serve"], chart.ServerContainer["args"]!.AsArray().Select(a => (string)a!));
    }

    [Fact]
    public async Task Runs_as_non_root_with_a_read_only_root_and_a_writable_tmp()
    {
        var chart = await ChartAsync();

        var pod = chart.PodSpec["securityContext"]!;
        Assert.True((bool)pod["runAsNonRoot"]!);
        Assert.NotEqual(0, (int)pod["runAsUser"]!);
        Assert.Equal("RuntimeDefault", (string?)pod["seccompProfile"]!["type"]);
        var container = chart.ServerContainer["securityContext"]!;
        Assert.True((bool)container["readOnlyRootFilesystem"]!);
        Assert.True((bool)container["runAsNonRoot"]!);
        Assert.False((bool)container["allowPrivilegeEscalation"]!);
        Assert.Equal(["ALL"], container["capabilities"]!["drop"]!.AsArray().Select(c => (string)c!));
        Assert.Equal("/tmp", (string?)chart.ServerMount("tmp")!["mountPath"]);
        Assert.Equal("1Gi", (string?)chart.Volume("tmp")!["emptyDir"]!["sizeLimit"]);
        Assert.False((bool)chart.PodSpec["automountServiceAccountToken"]!);
    }

    [Fact]
    public async Task Service_names_the_grpc_port_h2c_and_exposes_the_metrics_port()
    {
        var chart = await ChartAsync();
        var service = chart.Single("Service", RenderedChart.FullName);

        var ports = service["spec"]!["ports"]!.AsArray().Select(p => p!.AsObject()).ToList();
        var grpc = ports.Single(p => (string?)p["name"] == "grpc");
        Assert.Equal(50051, (int)grpc["port"]!);
        Assert.Equal("grpc", (string?)grpc["targetPort"]);
        Assert.Equal("kubernetes.io/h2c", (string?)grpc["appProtocol"]);
        var metrics = ports.Single(p => (string?)p["name"] == "metrics");
        Assert.Equal(8080, (int)metrics["port"]!);
        Assert.Equal("http", (string?)metrics["targetPort"]);
        Assert.Equal(2, ports.Count);
        Assert.Equal("ClusterIP", (string?)service["spec"]!["type"]);
        Assert.Equal(
            chart.Workload["spec"]!["selector"]!["matchLabels"]!.ToJsonString(),
            service["spec"]!["selector"]!.ToJsonString());

        var headless = chart.Single("Service", $"{RenderedChart.FullName}-headless");
        Assert.Equal("None", (string?)headless["spec"]!["clusterIP"]);
    }

    [Fact]
    public async Task Disruption_budget_lets_one_pod_go_at_a_time()
    {
        var chart = await ChartAsync();
        var pdb = chart.Single("PodDisruptionBudget");

        Assert.Equal("policy/v1", (string?)pdb["apiVersion"]);
        Assert.Equal(1, (int)pdb["spec"]!["maxUnavailable"]!);
        Assert.Null(pdb["spec"]!["minAvailable"]);
        Assert.Equal(
            chart.Workload["spec"]!["selector"]!["matchLabels"]!.ToJsonString(),
            pdb["spec"]!["selector"]!["matchLabels"]!.ToJsonString());
    }

    [Fact]
    public async Task Helm_test_pod_calls_grpc_health_on_the_service_and_is_not_a_server()
    {
        var chart = await ChartAsync();
        var pod = chart.Single("Pod");

        Assert.Equal("test", (string?)pod["metadata"]!["annotations"]!["helm.sh/hook"]);
        Assert.Equal("test", (string?)pod["metadata"]!["labels"]!["app.kubernetes.io/component"]);
        var container = pod["spec"]!["containers"]![0]!;
        Assert.StartsWith("ghcr.io/grpc-ecosystem/grpc-health-probe:", (string?)container["image"]);
        var args = container["args"]!.AsArray().Select(a => (string)a!).ToList();
        Assert.Contains("-addr=cam-fastav-live.media.svc:50051", args);
        Assert.DoesNotContain("-tls", args);
        Assert.Equal("Never", (string?)pod["spec"]!["restartPolicy"]);
        Assert.True((bool)container["securityContext"]!["readOnlyRootFilesystem"]!);
    }

    [GeneratedRegex("^FASTAV_[A-Za-z]+(__[A-Za-z]+)+$")]
    private static partial Regex EnvName();
}
