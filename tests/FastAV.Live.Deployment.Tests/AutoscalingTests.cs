using FastAV.Live.Deployment.Tests.Chart;

namespace FastAV.Live.Deployment.Tests;

/// <summary>HPA and KEDA on the engine's queue depth and KV utilisation; the workload drops replicas when either is on.</summary>
public sealed class AutoscalingTests
{
    [Fact]
    public async Task Hpa_scales_the_deployment_on_per_pod_queue_depth_and_kv_usage()
    {
        var chart = await RenderedChart.RenderAsync("""
            autoscaling: {enabled: true, kind: hpa, minReplicas: 2, maxReplicas: 6, queueDepthTarget: 3, kvUsageTarget: 0.85}
            """);

        Assert.Null(chart.Workload["spec"]!["replicas"]);
        Assert.False(chart.Has("ScaledObject"));
        var hpa = chart.Single("HorizontalPodAutoscaler");
        Assert.Equal("autoscaling/v2", (string?)hpa["apiVersion"]);
        var spec = hpa["spec"]!;
        Assert.Equal("Deployment", (string?)spec["scaleTargetRef"]!["kind"]);
        Assert.Equal(RenderedChart.FullName, (string?)spec["scaleTargetRef"]!["name"]);
        Assert.Equal(2, (int)spec["minReplicas"]!);
        Assert.Equal(6, (int)spec["maxReplicas"]!);
        var metrics = spec["metrics"]!.AsArray()
            .ToDictionary(m => (string)m!["pods"]!["metric"]!["name"]!, m => (string?)m!["pods"]!["target"]!["averageValue"]);
        Assert.Equal(new Dictionary<string, string?> { ["fastav_requests_waiting"] = "3", ["fastav_kv_cache_usage_ratio"] = "850m" }, metrics);
        Assert.All(metrics.Keys, name => Assert.Contains(name, MetricNames.Gauges));
        Assert.Equal(600, (int)spec["behavior"]!["scaleDown"]!["stabilizationWindowSeconds"]!);
    }

    [Fact]
    public async Task Keda_uses_the_given_metric_selector_and_targets_the_deployment()
    {
        var chart = await RenderedChart.RenderAsync("""
            autoscaling:
              enabled: true
              keda: {prometheusServerAddress: "http://prom:9090", metricSelector: 'job="fastav"'}
            """);

        Assert.Null(chart.Workload["spec"]!["replicas"]);
        var spec = chart.Single("ScaledObject")["spec"]!;
        Assert.Equal("Deployment", (string?)spec["scaleTargetRef"]!["kind"]);
        var queries = spec["triggers"]!.AsArray().Select(t => (string?)t!["metadata"]!["query"]).ToList();
        Assert.Equal(["sum(fastav_requests_waiting{job=\"fastav\"})", "sum(fastav_kv_cache_usage_ratio{job=\"fastav\"})"], queries);
    }

    [Fact]
    public async Task Replicas_are_fixed_when_autoscaling_is_off()
    {
        var chart = await RenderedChart.RenderAsync("replicaCount: 3");

        Assert.Equal(3, (int)chart.Workload["spec"]!["replicas"]!);
        Assert.False(chart.Has("HorizontalPodAutoscaler"));
        Assert.False(chart.Has("ScaledObject"));
    }

    [Theory]
    [InlineData("autoscaling: {enabled: true}", "autoscaling.keda.prometheusServerAddress: required")]
    [InlineData("autoscaling: {enabled: true, kind: hpa, minReplicas: 5, maxReplicas: 2}", "autoscaling.maxReplicas: 2 is below autoscaling.minReplicas 5")]
    public async Task Inconsistent_autoscaling_is_refused(string values, string message)
    {
        var run = await RenderedChart.TemplateAsync(values);

        Assert.False(run.Succeeded, run.ToString());
        Assert.Contains(message, run.StandardError);
    }
}
