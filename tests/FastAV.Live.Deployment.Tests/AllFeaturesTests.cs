using System.Text;
using System.Text.Json.Nodes;
using FastAV.Live.Deployment.Tests.Chart;

namespace FastAV.Live.Deployment.Tests;

/// <summary>ci/all-features-values.yaml rendered: every optional part on, each checked against the values that asked for it.</summary>
public sealed class AllFeaturesTests
{
    static readonly Lazy<Task<RenderedChart>> Rendered = new(() => RenderedChart.RenderCiAsync("all-features-values.yaml"));

    static readonly Lazy<JsonObject> Values = new(() =>
        YamlJson.ParseDocuments(File.ReadAllText(Path.Combine(HelmTool.ChartDirectory, "ci", "all-features-values.yaml")))[0]!.AsObject());

    static Task<RenderedChart> ChartAsync() => Rendered.Value;

    [Fact]
    public async Task Renders_every_optional_object()
    {
        var chart = await ChartAsync();

        foreach (var kind in new[] { "StatefulSet", "ServiceMonitor", "ScaledObject", "ConfigMap", "PodDisruptionBudget", "ServiceAccount", "Pod" })
        {
            Assert.True(chart.Has(kind), kind);
        }
        Assert.Equal(3, chart.OfKind("Secret").Count());
        Assert.False(chart.Has("Deployment"));
        Assert.False(chart.Has("HorizontalPodAutoscaler"));
    }

    [Fact]
    public async Task Per_pod_model_claims_make_a_statefulset_without_replicas_under_keda()
    {
        var chart = await ChartAsync();
        var spec = chart.Workload["spec"]!;

        Assert.Equal("StatefulSet", (string?)chart.Workload["kind"]);
        Assert.Null(spec["replicas"]);
        Assert.Equal($"{RenderedChart.FullName}-headless", (string?)spec["serviceName"]);
        var claim = spec["volumeClaimTemplates"]![0]!;
        Assert.Equal("model", (string?)claim["metadata"]!["name"]);
        Assert.Equal("80Gi", (string?)claim["spec"]!["resources"]!["requests"]!["storage"]);
        Assert.Equal("fast-ssd", (string?)claim["spec"]!["storageClassName"]);
        Assert.Equal("ReadWriteOnce", (string?)claim["spec"]!["accessModes"]![0]);
        // The claim template provides the volume; the pod spec must not declare one too.
        Assert.Null(chart.Volume("model"));
    }

    [Fact]
    public async Task Init_container_fills_the_model_volume_the_server_mounts_read_only()
    {
        var chart = await ChartAsync();

        var init = chart.PodSpec["initContainers"]!.AsArray().Single()!;
        Assert.Equal("registry.example.com/fastav/model-fetch:1.0", (string?)init["image"]);
        var initMount = init["volumeMounts"]!.AsArray().Single(m => (string?)m!["name"] == "model")!;
        Assert.Equal("/mnt/models", (string?)initMount["mountPath"]);
        Assert.Null(initMount["readOnly"]);
        var initEnv = init["env"]!.AsArray().ToDictionary(e => (string)e!["name"]!, e => (string?)e!["value"]);
        Assert.Equal("/mnt/models/fastav-7b", initEnv["FASTAV_MODEL_DIR"]);
        Assert.Equal("s3://models/fastav-7b", initEnv["WEIGHTS_BUCKET"]);

        Assert.True((bool)chart.ServerMount("model")!["readOnly"]!);
        Assert.Equal("/mnt/models/fastav-7b", chart.Env["FASTAV_Inference__Model"]);
    }

    [Fact]
    public async Task Mig_slice_replaces_the_whole_gpu_resource_and_scheduling_values_pass_through()
    {
        var chart = await ChartAsync();
        var resources = chart.ServerContainer["resources"]!;

        Assert.Equal(1, (int)resources["requests"]!["nvidia.com/mig-3g.40gb"]!);
        Assert.Equal(1, (int)resources["limits"]!["nvidia.com/mig-3g.40gb"]!);
        Assert.Null(resources["limits"]!["nvidia.com/gpu"]);
        Assert.Equal("NVIDIA-H100-80GB-HBM3", (string?)chart.PodSpec["nodeSelector"]!["nvidia.com/gpu.product"]);
        Assert.Equal("nvidia.com/gpu", (string?)chart.PodSpec["tolerations"]![0]!["key"]);
        Assert.Equal("inference-high", (string?)chart.PodSpec["priorityClassName"]);
        Assert.NotNull(chart.PodSpec["affinity"]!["podAntiAffinity"]);
        Assert.Single(chart.PodSpec["topologySpreadConstraints"]!.AsArray());
        Assert.Equal("registry-credentials", (string?)chart.PodSpec["imagePullSecrets"]![0]!["name"]);
    }

    [Fact]
    public async Task Explicit_grace_period_is_kept_and_exceeds_the_drain()
    {
        var chart = await ChartAsync();

        Assert.Equal(120, (int)chart.PodSpec["terminationGracePeriodSeconds"]!);
        Assert.Equal("00:00:20", chart.Env["FASTAV_Server__DrainDelay"]);
        Assert.Equal("00:01:00", chart.Env["FASTAV_Server__ShutdownTimeout"]);
        Assert.Equal(10, (int)chart.ServerContainer["lifecycle"]!["preStop"]!["sleep"]!["seconds"]!);
    }

    [Fact]
    public async Task Literal_tls_certificate_becomes_a_tls_secret_mounted_where_the_server_reads_it()
    {
        var chart = await ChartAsync();
        var secret = chart.Single("Secret", $"{RenderedChart.FullName}-tls");

        Assert.Equal("kubernetes.io/tls", (string?)secret["type"]);
        Assert.Equal((string?)Values.Value["tls"]!["certificate"], Decode(secret["data"]!["tls.crt"]));
        Assert.Equal((string?)Values.Value["tls"]!["key"], Decode(secret["data"]!["tls.key"]));
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", Decode(secret["data"]!["tls.crt"]));

        Assert.Equal("https://0.0.0.0:50051", chart.Env["FASTAV_Server__Urls"]);
        Assert.Equal("http://0.0.0.0:8080", chart.Env["FASTAV_Server__HttpUrls"]);
        Assert.Equal("/etc/fastav/tls/tls.crt", chart.Env["FASTAV_Server__CertificatePath"]);
        Assert.Equal("/etc/fastav/tls/tls.key", chart.Env["FASTAV_Server__CertificateKeyPath"]);
        Assert.Equal("/etc/fastav/tls", (string?)chart.ServerMount("tls")!["mountPath"]);
        Assert.Equal($"{RenderedChart.FullName}-tls", (string?)chart.Volume("tls")!["secret"]!["secretName"]);
        Assert.NotNull(chart.Workload["spec"]!["template"]!["metadata"]!["annotations"]!["checksum/tls"]);

        // Probes stay plaintext HTTP; the gRPC port announces TLS instead of h2c.
        Assert.Equal("HTTP", (string?)chart.ServerContainer["readinessProbe"]!["httpGet"]!["scheme"]);
        var grpc = chart.Single("Service", RenderedChart.FullName)["spec"]!["ports"]!.AsArray().Single(p => (string?)p!["name"] == "grpc")!;
        Assert.Equal("https", (string?)grpc["appProtocol"]);
    }

    [Fact]
    public async Task Client_certificates_are_required_against_the_literal_ca_bundle()
    {
        var chart = await ChartAsync();
        var secret = chart.Single("Secret", $"{RenderedChart.FullName}-client-ca");

        Assert.Equal((string?)Values.Value["tls"]!["clientCa"]!["certificate"], Decode(secret["data"]!["ca.crt"]));
        Assert.Equal("RequireCertificate", chart.Env["FASTAV_Server__ClientCertificateMode"]);
        Assert.Equal("/etc/fastav/client-ca/ca.crt", chart.Env["FASTAV_Server__ClientCertificateCaPath"]);
        Assert.True((bool)chart.ServerMount("client-ca")!["readOnly"]!);

        var test = chart.Single("Pod")["spec"]!;
        var args = test["containers"]![0]!["args"]!.AsArray().Select(a => (string)a!).ToList();
        Assert.Contains("-tls", args);
        Assert.Contains("-tls-client-cert=/etc/fastav/client/tls.crt", args);
        Assert.Contains("-v", args);
        Assert.Equal("fastav-live-test-client", (string?)test["volumes"]!.AsArray().Single(v => (string?)v!["name"] == "client-certificate")!["secret"]!["secretName"]);
    }

    [Fact]
    public async Task Literal_tenants_become_the_json_tenants_file_the_server_reads()
    {
        var chart = await ChartAsync();
        var secret = chart.Single("Secret", $"{RenderedChart.FullName}-api-keys");

        // The rendered file parses with the server's own reader, to the tenants the values list.
        var file = Encoding.UTF8.GetBytes(Decode(secret["data"]!["api-keys"]));
        var tenants = FastAV.Live.Server.Tenants.TenantsFile.Parse(file, "rendered api-keys");
        Assert.Equal(["site-a", "noc"], tenants.Tenants.Select(t => t.Name));
        var siteA = tenants.Find("site-a")!;
        Assert.Equal(FastAV.Live.Server.Tenants.TenantRoles.Stream | FastAV.Live.Server.Tenants.TenantRoles.Ask | FastAV.Live.Server.Tenants.TenantRoles.Read, siteA.Roles);
        Assert.Equal(4, siteA.Quotas.MaxStreams);
        Assert.Equal(8, siteA.Quotas.MaxStandingQuestions);
        Assert.Equal(2, siteA.Quotas.MaxAsksPerSecond);
        Assert.Equal(4_000_000, siteA.Quotas.MaxMediaBytesPerSecond);
        Assert.Equal(1, tenants.CertificateNameCount);
        Assert.Equal(2, tenants.KeyCount);
        Assert.Equal(FastAV.Live.Server.Tenants.TenantRoles.Read | FastAV.Live.Server.Tenants.TenantRoles.Admin, tenants.Find("noc")!.Roles);

        Assert.Equal("/etc/fastav/auth/api-keys", chart.Env["FASTAV_Auth__ApiKeysFile"]);
        Assert.Equal("/etc/fastav/auth", (string?)chart.ServerMount("api-keys")!["mountPath"]);
        Assert.Equal("api-keys", (string?)chart.Volume("api-keys")!["secret"]!["items"]![0]!["path"]);

        // The server reloads the file when the secret changes: editing tenants must not roll the pods (and end their streams).
        Assert.Null(chart.Workload["spec"]!["template"]!["metadata"]!["annotations"]!["checksum/api-keys"]);
        Assert.Null(chart.ServerMount("api-keys")!["subPath"]); // a subPath mount would never see the secret change
    }

    [Fact]
    public async Task Server_config_and_extra_env_reach_the_server_as_fastav_variables()
    {
        var chart = await ChartAsync();

        Assert.Equal("4096", chart.Env["FASTAV_Inference__MaxBatchTokens"]);
        Assert.Equal("true", chart.Env["FASTAV_Inference__BatchStreams"]);
        Assert.Equal("64", chart.Env["FASTAV_LiveAnalytics__MaxConcurrentStreams"]);
        Assert.Equal("1", chart.Env["DOTNET_gcServer"]);
        Assert.Equal("http://otel-collector.observability:4317", chart.Env["FASTAV_OpenTelemetry__Endpoint"]);
    }

    [Fact]
    public async Task Service_monitor_scrapes_metrics_on_the_main_service_only()
    {
        var chart = await ChartAsync();
        var monitor = chart.Single("ServiceMonitor");

        Assert.Equal("monitoring.coreos.com/v1", (string?)monitor["apiVersion"]);
        Assert.Equal("kube-prometheus-stack", (string?)monitor["metadata"]!["labels"]!["release"]);
        var endpoint = monitor["spec"]!["endpoints"]!.AsArray().Single()!;
        Assert.Equal("metrics", (string?)endpoint["port"]);
        Assert.Equal("/metrics", (string?)endpoint["path"]);
        Assert.Equal("10s", (string?)endpoint["interval"]);
        // With a tenants file /metrics needs a read+admin key: the scrape sends the one in the named secret.
        Assert.Equal("Bearer", (string?)endpoint["authorization"]!["type"]);
        Assert.Equal("fastav-metrics-reader", (string?)endpoint["authorization"]!["credentials"]!["name"]);
        Assert.Equal("token", (string?)endpoint["authorization"]!["credentials"]!["key"]);

        // The selector matches the main Service and not the headless one (one scrape per pod).
        var selector = monitor["spec"]!["selector"]!;
        var services = chart.OfKind("Service").Where(s => Selects(selector, s["metadata"]!["labels"]!.AsObject())).ToList();
        Assert.Equal(RenderedChart.FullName, (string?)services.Single()["metadata"]!["name"]);
    }

    static bool Selects(JsonNode selector, JsonObject labels)
    {
        var matchLabels = selector["matchLabels"]!.AsObject().All(kv => (string?)labels[kv.Key] == (string?)kv.Value);
        var expressions = selector["matchExpressions"]?.AsArray().All(e =>
            (string?)e!["operator"] switch
            {
                "DoesNotExist" => !labels.ContainsKey((string)e["key"]!),
                "Exists" => labels.ContainsKey((string)e["key"]!),
                var op => throw new NotSupportedException(op),
            }) ?? true;
        return matchLabels && expressions;
    }

    [Fact]
    public async Task Keda_scales_the_statefulset_on_queue_depth_and_kv_utilisation()
    {
        var chart = await ChartAsync();
        var scaled = chart.Single("ScaledObject")["spec"]!;

        Assert.Equal("StatefulSet", (string?)scaled["scaleTargetRef"]!["kind"]);
        Assert.Equal(RenderedChart.FullName, (string?)scaled["scaleTargetRef"]!["name"]);
        Assert.Equal(2, (int)scaled["minReplicaCount"]!);
        Assert.Equal(8, (int)scaled["maxReplicaCount"]!);
        var triggers = scaled["triggers"]!.AsArray().Select(t => t!["metadata"]!).ToList();
        Assert.All(triggers, t => Assert.Equal("http://prometheus-operated.monitoring:9090", (string?)t["serverAddress"]));
        Assert.Equal("sum(fastav_requests_waiting{namespace=\"media\",service=\"cam-fastav-live\"})", (string?)triggers[0]["query"]);
        Assert.Equal("4", (string?)triggers[0]["threshold"]);
        Assert.Equal("sum(fastav_kv_cache_usage_ratio{namespace=\"media\",service=\"cam-fastav-live\"})", (string?)triggers[1]["query"]);
        Assert.Equal("0.75", (string?)triggers[1]["threshold"]);
    }

    [Fact]
    public async Task Disruption_budget_uses_min_available_when_given()
    {
        var chart = await ChartAsync();
        var spec = chart.Single("PodDisruptionBudget")["spec"]!;

        Assert.Equal(1, (int)spec["minAvailable"]!);
        Assert.Null(spec["maxUnavailable"]);
    }

    static string Decode(JsonNode? base64) => Encoding.UTF8.GetString(Convert.FromBase64String((string)base64!));
}
