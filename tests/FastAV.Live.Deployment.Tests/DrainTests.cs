using FastAV.Live.Deployment.Tests.Chart;

namespace FastAV.Live.Deployment.Tests;

/// <summary>
/// Graceful drain: the grace period must outlast the preStop sleep, Server:DrainDelay and
/// Server:ShutdownTimeout together, or Kubernetes kills the server while streams still end.
/// </summary>
public sealed class DrainTests
{
    [Theory]
    [InlineData(5, 10, 30, 5, 50)]
    [InlineData(0, 0, 0, 1, 1)]
    [InlineData(15, 60, 600, 30, 705)]
    public async Task Computed_grace_period_is_the_drain_sum_plus_the_margin(int preStop, int delay, int shutdown, int margin, int expected)
    {
        var chart = await RenderedChart.RenderAsync(
            $"drain: {{preStopSleepSeconds: {preStop}, delaySeconds: {delay}, shutdownTimeoutSeconds: {shutdown}, marginSeconds: {margin}}}");

        Assert.Equal(expected, (int)chart.PodSpec["terminationGracePeriodSeconds"]!);
    }

    [Theory]
    [InlineData(45)]
    [InlineData(30)]
    [InlineData(1)]
    public async Task Grace_period_not_above_the_drain_sum_is_refused_naming_it(int grace)
    {
        var run = await RenderedChart.TemplateAsync($"drain: {{terminationGracePeriodSeconds: {grace}}}");

        Assert.False(run.Succeeded, run.ToString());
        Assert.Contains($"drain.terminationGracePeriodSeconds: {grace} must be greater than", run.StandardError);
        Assert.Contains("= 45 (5 + 10 + 30)", run.StandardError);
    }

    [Fact]
    public async Task Grace_period_one_second_above_the_sum_is_accepted()
    {
        var chart = await RenderedChart.RenderAsync("drain: {terminationGracePeriodSeconds: 46}");

        Assert.Equal(46, (int)chart.PodSpec["terminationGracePeriodSeconds"]!);
    }

    [Theory]
    [InlineData(0, "00:00:00")]
    [InlineData(75, "00:01:15")]
    [InlineData(3599, "00:59:59")]
    [InlineData(3600, "01:00:00")]
    public async Task Drain_seconds_become_dotnet_timespan_strings(int seconds, string expected)
    {
        var chart = await RenderedChart.RenderAsync($"drain: {{delaySeconds: {seconds}, shutdownTimeoutSeconds: {seconds}}}");

        Assert.Equal(expected, chart.Env["FASTAV_Server__DrainDelay"]);
        Assert.Equal(expected, chart.Env["FASTAV_Server__ShutdownTimeout"]);
        Assert.Equal(TimeSpan.FromSeconds(seconds), TimeSpan.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task PreStop_uses_the_kubelet_sleep_action_from_kubernetes_1_30()
    {
        var modern = await RenderedChart.RenderAsync(helmArguments: ["--kube-version", "1.31.0"]);
        var older = await RenderedChart.RenderAsync(helmArguments: ["--kube-version", "1.29.4"]);

        Assert.Equal(5, (int)modern.ServerContainer["lifecycle"]!["preStop"]!["sleep"]!["seconds"]!);
        Assert.Null(modern.ServerContainer["lifecycle"]!["preStop"]!["exec"]);
        Assert.Equal(["sleep", "5"], older.ServerContainer["lifecycle"]!["preStop"]!["exec"]!["command"]!.AsArray().Select(c => (string)c!));
        Assert.Null(older.ServerContainer["lifecycle"]!["preStop"]!["sleep"]);
    }

    [Fact]
    public async Task PreStop_mode_can_force_exec()
    {
        var chart = await RenderedChart.RenderAsync("drain: {preStopMode: exec, preStopSleepSeconds: 12}");

        Assert.Equal(["sleep", "12"], chart.ServerContainer["lifecycle"]!["preStop"]!["exec"]!["command"]!.AsArray().Select(c => (string)c!));
    }

    [Fact]
    public async Task Kubernetes_older_than_the_charts_minimum_is_refused()
    {
        var run = await RenderedChart.TemplateAsync(helmArguments: ["--kube-version", "1.25.0"]);

        Assert.False(run.Succeeded, run.ToString());
        Assert.Contains("kubeVersion", run.StandardError, StringComparison.OrdinalIgnoreCase);
    }
}
