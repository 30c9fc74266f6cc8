using System.Diagnostics.Metrics;
using FastAV.Live.Contracts.V1;

namespace FastAV.Live.Server.Observability;

/// <summary>
/// The server's instruments, on one <see cref="Meter"/> (<see cref="MeterName"/>) from the host's IMeterFactory.
/// OpenTelemetry's Prometheus exporter turns each name into the series the chart's dashboard and autoscalers read:
/// dots become underscores, the unit a suffix ("s" → _seconds, "By" → _bytes; "1" and "{…}" add none, so ratios say so in their names),
/// counters end in _total — fastav.windows.prefilled is fastav_windows_prefilled_total. No instrument has a per-stream
/// attribute: a fleet of cameras must not become a fleet of series (the dashboard shows streams one by one).
/// </summary>
public sealed class LiveMetrics
{
    public const string MeterName = "FastAV.Live";

    // Seconds. Answers and first tokens: tens of milliseconds on a GPU to seconds on a loaded CPU (vLLM's TTFT range).
    private static readonly double[] LatencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 30, 60];
    private static readonly double[] TokenBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5];
    private static readonly double[] StepBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    // A Stream call lasts as long as its camera: up to hours.
    private static readonly double[] CallBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30, 60, 300, 900, 3600];

    private readonly Counter<long> _warnings;
    private readonly Histogram<double> _answerLatency;
    private readonly Histogram<double> _firstToken;
    private readonly Histogram<double> _interToken;
    private readonly Histogram<double> _engineStep;
    private readonly Histogram<double> _callDuration;
    private readonly PruningRatios _ratios = new();
    private long _streamsOpened;
    private long _streamsClosed;
    private long _windowsPrefilled;
    private long _windowsDropped;
    private long _running;
    private long _waiting;

    public LiveMetrics(IMeterFactory meters, StreamBoard board)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(board);
        var meter = meters.Create(MeterName);
        // Totals kept here and observed at each scrape: a fresh server shows them at 0 (the SDK exports a plain counter
        // only from its first non-zero measurement).
        meter.CreateObservableUpDownCounter("fastav.streams.active", () => Interlocked.Read(ref _streamsOpened) - Interlocked.Read(ref _streamsClosed), "{stream}", "Open Stream calls.");
        meter.CreateObservableCounter("fastav.streams.opened", () => Interlocked.Read(ref _streamsOpened), "{stream}", "Stream calls opened (StreamOpen accepted).");
        meter.CreateObservableCounter("fastav.streams.closed", () => Interlocked.Read(ref _streamsClosed), "{stream}", "Stream calls closed.");
        meter.CreateObservableCounter("fastav.windows.prefilled", () => Interlocked.Read(ref _windowsPrefilled), "{window}", "Windows prefilled into KV caches.");
        meter.CreateObservableCounter("fastav.windows.dropped", () => Interlocked.Read(ref _windowsDropped), "{window}", "Windows dropped because a stream fell behind.");
        meter.CreateObservableCounter("fastav.frames.decoded", () => board.Totals().VideoAccepted, "{frame}", "Video frames accepted and passed to the decoder.");
        meter.CreateObservableCounter("fastav.frames.rejected", () => board.Totals().VideoRejected, "{frame}", "Video frames rejected (counted and warned about).");
        meter.CreateObservableCounter("fastav.audio_chunks.decoded", () => board.Totals().AudioAccepted, "{chunk}", "Audio chunks accepted and passed to the decoder.");
        meter.CreateObservableCounter("fastav.audio_chunks.rejected", () => board.Totals().AudioRejected, "{chunk}", "Audio chunks rejected (counted and warned about).");
        meter.CreateObservableGauge("fastav.requests.running", () => Volatile.Read(ref _running), "{request}", "Work in the engine's last step: answers decoding, questions and windows prefilling.");
        meter.CreateObservableGauge("fastav.requests.waiting", () => Volatile.Read(ref _waiting), "{request}", "Work waiting for the engine: windows and questions queued (the engine's queue depth).");
        meter.CreateObservableGauge("fastav.kv_cache", () => board.Kv().Bytes, "By", "KV cache bytes held by every stream.");
        meter.CreateObservableGauge("fastav.kv_cache.usage_ratio", () => board.Kv().Usage, "1", "KV cache used ÷ budget over every stream, 0–1.");
        meter.CreateObservableGauge("fastav.tokens_kept_ratio", () => _ratios.Measure(kept: true), "1", "Share of window tokens kept through the layers by pruning, over each policy's last windows.");
        meter.CreateObservableGauge("fastav.flops_ratio", () => _ratios.Measure(kept: false), "1", "Window prefill FLOPs against unpruned, over each policy's last windows.");
        _warnings = meter.CreateCounter<long>("fastav.warnings", "{warning}", "Warnings sent to clients, by code.");
        _answerLatency = Histogram(meter, "fastav.answer.latency", "Window arrival (standing) or question (ad hoc) to answer.", LatencyBuckets);
        _firstToken = Histogram(meter, "fastav.time_to_first_token", "Ad-hoc question to its first answer token.", LatencyBuckets);
        _interToken = Histogram(meter, "fastav.inter_token_latency", "Between an ad-hoc answer's tokens.", TokenBuckets);
        _engineStep = Histogram(meter, "fastav.engine.step.duration", "One engine step that did work.", StepBuckets);
        _callDuration = Histogram(meter, "rpc.server.call.duration", "gRPC server call duration.", CallBuckets);
    }

    /// <summary>The label value of a pruning policy: "fastav" for PRUNING_POLICY_FASTAV.</summary>
    public static string PolicyLabel(PruningPolicy policy) => EnumLabel("PruningPolicy", (int)policy, "PRUNING_POLICY_").ToLowerInvariant();

    /// <summary>The label value of a warning code: "FRAMES_DROPPED" for WARNING_CODE_FRAMES_DROPPED.</summary>
    public static string WarningLabel(WarningCode code) => EnumLabel("WarningCode", (int)code, "WARNING_CODE_");

    public void StreamOpened() => Interlocked.Increment(ref _streamsOpened);

    public void StreamClosed() => Interlocked.Increment(ref _streamsClosed);

    public void WindowPrefilled(string policy, double tokensKept, double tokensIn, double flops, double flopsUnpruned)
    {
        Interlocked.Increment(ref _windowsPrefilled);
        _ratios.Add(policy, tokensKept, tokensIn, flops, flopsUnpruned);
    }

    public void WindowsDropped(long count) => Interlocked.Add(ref _windowsDropped, count);

    public void WarningSent(WarningCode code) => _warnings.Add(1, new KeyValuePair<string, object?>("code", WarningLabel(code)));

    public void Answered(double latencySeconds, double? firstTokenSeconds)
    {
        _answerLatency.Record(latencySeconds);
        if (firstTokenSeconds is { } first)
        {
            _firstToken.Record(first);
        }
    }

    public void InterToken(double seconds) => _interToken.Record(seconds);

    public void EngineStepped(double? seconds, int running, int waiting)
    {
        if (seconds is { } s)
        {
            _engineStep.Record(s);
        }

        Volatile.Write(ref _running, running);
        Volatile.Write(ref _waiting, waiting);
    }

    /// <summary>rpc.server.call.duration with the attributes the chart charts: rpc.method ("Service/Method") and rpc.grpc.status_code.</summary>
    public void CallEnded(string method, int statusCode, double seconds) =>
        _callDuration.Record(seconds, new KeyValuePair<string, object?>("rpc.method", method), new KeyValuePair<string, object?>("rpc.grpc.status_code", statusCode));

    private static Histogram<double> Histogram(Meter meter, string name, string description, double[] buckets) =>
        meter.CreateHistogram(name, "s", description, tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = buckets });

    // The contract's value name less its prefix; the number for a value this build does not know.
    private static string EnumLabel(string enumName, int value, string prefix) =>
        LiveReflection.Descriptor.EnumTypes.FirstOrDefault(e => e.Name == enumName)?.FindValueByNumber(value)?.Name is { } name && name.StartsWith(prefix, StringComparison.Ordinal)
            ? name[prefix.Length..]
            : value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
