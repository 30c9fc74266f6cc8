using FastAV.Live.Deployment.Tests.Chart;

namespace FastAV.Live.Deployment.Tests;

/// <summary>Where the weights come from: the image, a shared claim (existing or created), a per-pod claim, or an init container's copy.</summary>
public sealed class ModelVolumeTests
{
    [Fact]
    public async Task Existing_claim_is_shared_by_a_deployment_and_read_only()
    {
        var chart = await RenderedChart.RenderAsync("""
            model: {volume: {type: persistentVolumeClaim, subPath: qwen-av, persistentVolumeClaim: {existingClaim: weights}}}
            """);

        Assert.Equal("Deployment", (string?)chart.Workload["kind"]);
        Assert.False(chart.Has("PersistentVolumeClaim"));
        Assert.Equal("weights", (string?)chart.Volume("model")!["persistentVolumeClaim"]!["claimName"]);
        Assert.True((bool)chart.ServerMount("model")!["readOnly"]!);
        Assert.Equal("/mnt/models/qwen-av", chart.Env["FASTAV_Inference__Model"]);
        Assert.Null(chart.PodSpec["initContainers"]);
    }

    [Fact]
    public async Task Created_shared_claim_is_kept_after_uninstall()
    {
        var chart = await RenderedChart.RenderAsync("""
            model: {volume: {type: persistentVolumeClaim, persistentVolumeClaim: {size: 120Gi, accessModes: [ReadOnlyMany], storageClassName: nfs}}}
            """);

        var claim = chart.Single("PersistentVolumeClaim");
        Assert.Equal($"{RenderedChart.FullName}-model", (string?)claim["metadata"]!["name"]);
        Assert.Equal("keep", (string?)claim["metadata"]!["annotations"]!["helm.sh/resource-policy"]);
        Assert.Equal("120Gi", (string?)claim["spec"]!["resources"]!["requests"]!["storage"]);
        Assert.Equal("ReadOnlyMany", (string?)claim["spec"]!["accessModes"]![0]);
        Assert.Equal("nfs", (string?)claim["spec"]!["storageClassName"]);
        Assert.Equal($"{RenderedChart.FullName}-model", (string?)chart.Volume("model")!["persistentVolumeClaim"]!["claimName"]);
        Assert.Equal("/mnt/models", chart.Env["FASTAV_Inference__Model"]);
    }

    [Fact]
    public async Task Empty_dir_is_filled_by_the_init_container_before_the_server_starts()
    {
        var chart = await RenderedChart.RenderAsync("""
            model:
              volume: {type: emptyDir, mountPath: /models, emptyDir: {sizeLimit: 30Gi}}
              initContainer: {enabled: true, image: {repository: busybox, tag: "1.36"}, command: [sh, -c, "cp -r /w/. $FASTAV_MODEL_DIR"]}
            """);

        Assert.Equal("30Gi", (string?)chart.Volume("model")!["emptyDir"]!["sizeLimit"]);
        var init = chart.PodSpec["initContainers"]![0]!;
        Assert.Equal("model-init", (string?)init["name"]);
        Assert.Equal("busybox:1.36", (string?)init["image"]);
        Assert.Equal("/models", (string?)init["volumeMounts"]![0]!["mountPath"]);
        Assert.True((bool)init["securityContext"]!["readOnlyRootFilesystem"]!);
        Assert.Equal("/models", chart.Env["FASTAV_Inference__Model"]);
        Assert.Equal("/models", (string?)chart.ServerMount("model")!["mountPath"]);
    }

    [Fact]
    public async Task Image_path_sets_the_model_without_a_volume()
    {
        var chart = await RenderedChart.RenderAsync("model: {imagePath: /opt/fastav/models/fastav-7b}");

        Assert.Equal("/opt/fastav/models/fastav-7b", chart.Env["FASTAV_Inference__Model"]);
        Assert.Null(chart.Volume("model"));
        Assert.Null(chart.ServerMount("model"));
    }

    [Fact]
    public async Task Cpu_pods_carry_no_gpu_resource()
    {
        var chart = await RenderedChart.RenderAsync("gpu: {count: 0}\nruntimeClassName: \"\"");
        var resources = chart.ServerContainer["resources"]!;

        Assert.DoesNotContain(resources["requests"]!.AsObject(), r => r.Key.Contains("nvidia", StringComparison.Ordinal));
        Assert.DoesNotContain(resources["limits"]!.AsObject(), r => r.Key.Contains("nvidia", StringComparison.Ordinal));
        Assert.Null(chart.PodSpec["runtimeClassName"]);
    }

    [Fact]
    public async Task Several_whole_gpus_are_requested_and_limited_alike()
    {
        var chart = await RenderedChart.RenderAsync("gpu: {count: 2}");
        var resources = chart.ServerContainer["resources"]!;

        Assert.Equal(2, (int)resources["requests"]!["nvidia.com/gpu"]!);
        Assert.Equal(2, (int)resources["limits"]!["nvidia.com/gpu"]!);
    }

    [Theory]
    [InlineData("model: {volume: {type: emptyDir}}", "model.volume.type: emptyDir starts empty")]
    [InlineData("model: {initContainer: {enabled: true, image: {repository: busybox}}}", "model.initContainer.enabled: the init container needs a model volume")]
    [InlineData("model: {volume: {type: emptyDir}, initContainer: {enabled: true}}", "model.initContainer.image.repository: required")]
    [InlineData("model: {imagePath: /x, volume: {type: emptyDir}, initContainer: {enabled: true, image: {repository: b}}}", "model.imagePath: only used with model.volume.type none")]
    [InlineData("model: {volume: {type: persistentVolumeClaim, persistentVolumeClaim: {perPod: true, existingClaim: w}}}", "perPod creates one claim per pod")]
    public async Task Model_sources_that_cannot_work_are_refused(string values, string message)
    {
        var run = await RenderedChart.TemplateAsync(values);

        Assert.False(run.Succeeded, run.ToString());
        Assert.Contains(message, run.StandardError);
    }
}
