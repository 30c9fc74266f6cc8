using FastAV.Live.Deployment.Tests.Chart;

namespace FastAV.Live.Deployment.Tests;

/// <summary>values.schema.json as helm applies it: bad values stop `helm template` with an error that names the field.</summary>
public sealed class SchemaTests
{
    [Theory]
    [InlineData("replicaCount: -1", "replicaCount: Must be greater than or equal to 0")]
    [InlineData("replicaCount: two", "replicaCount: Invalid type. Expected: integer, given: string")]
    [InlineData("gpu: {count: 1.5}", "gpu.count: Invalid type. Expected: integer")]
    [InlineData("gpu: {count: -1}", "gpu.count: Must be greater than or equal to 0")]
    [InlineData("gpu: {resourceName: gpu}", "gpu.resourceName: Does not match pattern")]
    [InlineData("server: {grpcPort: 70000}", "server.grpcPort: Must be less than or equal to 65535")]
    [InlineData("server: {httpPort: \"8080\"}", "server.httpPort: Invalid type. Expected: integer, given: string")]
    [InlineData("server: {logFormat: xml}", "server.logFormat: server.logFormat must be one of the following")]
    [InlineData("server: {config: {maxBatchTokens: 4}}", "server.config: Does not match pattern")]
    [InlineData("server: {config: {\"Inference:MaxBatchTokens\": [1]}}", "server.config.Inference:MaxBatchTokens: Invalid type")]
    [InlineData("server: {extraEnv: [{value: x}]}", "server.extraEnv.0: name is required")]
    [InlineData("drain: {delaySeconds: -5}", "drain.delaySeconds: Must be greater than or equal to 0")]
    [InlineData("drain: {shutdownTimeoutSeconds: 86400}", "drain.shutdownTimeoutSeconds: Must be less than or equal to 3600")]
    [InlineData("drain: {terminationGracePeriodSeconds: \"60\"}", "drain.terminationGracePeriodSeconds: Invalid type. Expected: [integer,null], given: string")]
    [InlineData("drain: {preStopMode: hook}", "drain.preStopMode: drain.preStopMode must be one of the following")]
    [InlineData("probes: {startup: {failureThreshold: 0}}", "probes.startup.failureThreshold: Must be greater than or equal to 1")]
    [InlineData("model: {volume: {type: s3}}", "model.volume.type: model.volume.type must be one of the following")]
    [InlineData("model: {volume: {subPath: ../etc}}", "model.volume.subPath: Must not validate the schema (not)")]
    [InlineData("model: {volume: {persistentVolumeClaim: {size: lots}}}", "model.volume.persistentVolumeClaim.size: Does not match pattern")]
    [InlineData("tls: {clientCertificateMode: Sometimes}", "tls.clientCertificateMode: tls.clientCertificateMode must be one of the following")]
    [InlineData("tls: {enabled: \"yes\"}", "tls.enabled: Invalid type. Expected: boolean, given: string")]
    [InlineData("auth: {apiKeys: {keys: [k]}}", "auth.apiKeys: Additional property keys is not allowed")]
    [InlineData("auth: {apiKeys: {tenants: [{name: a, roles: [read], keys: [\"my-plain-key\"]}]}}", "auth.apiKeys.tenants.0.keys.0: Does not match pattern")]
    [InlineData("auth: {apiKeys: {tenants: [{name: a, roles: [root]}]}}", "auth.apiKeys.tenants.0.roles.0: auth.apiKeys.tenants.0.roles.0 must be one of the following")]
    [InlineData("auth: {apiKeys: {tenants: [{name: a, roles: [read], quotas: {maxStream: 4}}]}}", "auth.apiKeys.tenants.0.quotas: Additional property maxStream is not allowed")]
    [InlineData("auth: {apiKeys: {tenants: [{name: a, roles: [read], quotas: {maxAsksPerSecond: 0}}]}}", "auth.apiKeys.tenants.0.quotas.maxAsksPerSecond: Must be greater than or equal to 0.001")]
    [InlineData("auth: {apiKeys: {tenants: [{name: \"bad name\", roles: [read]}]}}", "auth.apiKeys.tenants.0.name: Does not match pattern")]
    [InlineData("auth: {apiKeys: {tenants: [{name: a}]}}", "auth.apiKeys.tenants.0: roles is required")]
    [InlineData("auth: {apiKeys: {tenants: [{name: a, roles: [], clientCertificates: [gw-1]}]}}", "auth.apiKeys.tenants.0.clientCertificates.0: Does not match pattern")]
    [InlineData("openTelemetry: {endpoint: \"collector:4317\"}", "openTelemetry.endpoint: Does not match pattern")]
    [InlineData("service: {type: ExternalName}", "service.type: service.type must be one of the following")]
    [InlineData("podDisruptionBudget: {maxUnavailable: lots}", "podDisruptionBudget.maxUnavailable: Must validate one and only one schema (oneOf)")]
    [InlineData("serviceMonitor: {interval: 15 seconds}", "serviceMonitor.interval: Does not match pattern")]
    [InlineData("autoscaling: {kind: vpa}", "autoscaling.kind: autoscaling.kind must be one of the following")]
    [InlineData("autoscaling: {kvUsageTarget: 1.5}", "autoscaling.kvUsageTarget: Must be less than or equal to 1")]
    [InlineData("autoscaling: {queueDepthTarget: 0}", "autoscaling.queueDepthTarget: Must be greater than 0")]
    [InlineData("autoscaling: {minReplicas: 0}", "autoscaling.minReplicas: Must be greater than or equal to 1")]
    [InlineData("image: {digest: latest}", "image.digest: Does not match pattern")]
    [InlineData("image: {pullPolicy: Sometimes}", "image.pullPolicy: image.pullPolicy must be one of the following")]
    [InlineData("resources: {requests: {memory: lots}}", "resources.requests.memory: Does not match pattern")]
    [InlineData("nameOverride: Not_A_Dns_Name", "nameOverride: Does not match pattern")]
    public async Task Bad_values_are_refused_naming_the_field(string values, string expected)
    {
        var run = await RenderedChart.TemplateAsync(values);

        Assert.False(run.Succeeded, run.ToString());
        Assert.Contains("values don't meet the specifications of the schema", run.StandardError);
        Assert.Contains(expected, run.StandardError);
        Assert.Equal("", run.StandardOutput);
    }

    [Theory]
    [InlineData("replicas: 2", "(root): Additional property replicas is not allowed")]
    [InlineData("gpu: {type: a100}", "gpu: Additional property type is not allowed")]
    [InlineData("server: {port: 50051}", "server: Additional property port is not allowed")]
    [InlineData("drain: {delay: \"00:00:10\"}", "drain: Additional property delay is not allowed")]
    [InlineData("model: {volume: {persistentVolumeClaim: {claimName: w}}}", "model.volume.persistentVolumeClaim: Additional property claimName is not allowed")]
    [InlineData("tls: {secretName: x}", "tls: Additional property secretName is not allowed")]
    [InlineData("autoscaling: {keda: {serverAddress: x}}", "autoscaling.keda: Additional property serverAddress is not allowed")]
    public async Task Unknown_keys_in_the_charts_own_sections_are_refused(string values, string expected)
    {
        var run = await RenderedChart.TemplateAsync(values);

        Assert.False(run.Succeeded, run.ToString());
        Assert.Contains(expected, run.StandardError);
    }

    [Fact]
    public async Task Every_error_is_reported_at_once()
    {
        var run = await RenderedChart.TemplateAsync("replicaCount: -2\ngpu: {count: x}\nbogus: 1");

        Assert.False(run.Succeeded);
        Assert.Contains("replicaCount:", run.StandardError);
        Assert.Contains("gpu.count:", run.StandardError);
        Assert.Contains("Additional property bogus", run.StandardError);
    }

    [Theory]
    [InlineData("Server:Urls")]
    [InlineData("Server:DrainDelay")]
    [InlineData("Inference:Model")]
    [InlineData("Auth:ApiKeysFile")]
    public async Task Settings_the_chart_owns_cannot_be_set_twice_through_server_config(string key)
    {
        var run = await RenderedChart.TemplateAsync($"server: {{config: {{\"{key}\": x}}}}");

        Assert.False(run.Succeeded, run.ToString());
        Assert.Contains($"server.config: \"{key}\" is set by the chart", run.StandardError);
    }

    [Fact]
    public async Task Kubernetes_objects_passed_through_stay_open()
    {
        var chart = await RenderedChart.RenderAsync("""
            podSecurityContext: {supplementalGroups: [44]}
            securityContext: {seLinuxOptions: {level: "s0:c1"}}
            tolerations: [{key: dedicated, operator: Equal, value: gpu, effect: NoSchedule}]
            """);

        Assert.Equal(44, (int)chart.PodSpec["securityContext"]!["supplementalGroups"]![0]!);
        Assert.Equal("s0:c1", (string?)chart.ServerContainer["securityContext"]!["seLinuxOptions"]!["level"]);
        Assert.Equal("dedicated", (string?)chart.PodSpec["tolerations"]![0]!["key"]);
    }
}
