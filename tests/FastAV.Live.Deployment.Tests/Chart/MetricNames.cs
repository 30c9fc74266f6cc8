namespace FastAV.Live.Deployment.Tests.Chart;

/// <summary>
/// The Prometheus series the chart expects the server to export (issue #17's contract, listed in
/// helm/README.md): the dashboard and the autoscalers may use these and nothing else.
/// </summary>
public static class MetricNames
{
    public static readonly IReadOnlySet<string> Gauges = new HashSet<string>
    {
        "fastav_streams_active",
        "fastav_requests_running",
        "fastav_requests_waiting",
        "fastav_kv_cache_bytes",
        "fastav_kv_cache_usage_ratio",
        "fastav_tokens_kept_ratio",
        "fastav_flops_ratio",
    };

    public static readonly IReadOnlySet<string> Counters = new HashSet<string>
    {
        "fastav_streams_opened_total",
        "fastav_streams_closed_total",
        "fastav_windows_prefilled_total",
        "fastav_windows_dropped_total",
        "fastav_frames_decoded_total",
        "fastav_frames_rejected_total",
        "fastav_warnings_total",
    };

    public static readonly IReadOnlySet<string> Histograms = new HashSet<string>
    {
        "fastav_answer_latency_seconds",
        "fastav_time_to_first_token_seconds",
        "fastav_inter_token_latency_seconds",
        "fastav_engine_step_duration_seconds",
        "rpc_server_call_duration_seconds",
    };

    public static IReadOnlySet<string> All { get; } = Gauges.Concat(Counters).Concat(Histograms).ToHashSet();

    /// <summary>Labels each metric may carry beyond the scrape's own (job, namespace, pod, ...).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Labels = new Dictionary<string, string[]>
    {
        ["fastav_tokens_kept_ratio"] = ["policy"],
        ["fastav_flops_ratio"] = ["policy"],
        ["fastav_warnings_total"] = ["code"],
        ["rpc_server_call_duration_seconds"] = ["rpc_method", "rpc_grpc_status_code"],
    };
}
