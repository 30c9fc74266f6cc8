namespace FastAV.Live.Server.Observability;

/// <summary>Trace export by OTLP (configuration section "OpenTelemetry"). Off while Endpoint is empty.</summary>
public sealed class OpenTelemetryOptions
{
    public const string SectionName = "OpenTelemetry";

    /// <summary>
    /// The OTLP collector's address, e.g. http://otel-collector:4317 (grpc) or http://otel-collector:4318 (http/protobuf,
    /// which posts to its /v1/traces). Empty (the default) turns tracing off.
    /// </summary>
    public string Endpoint { get; set; } = "";

    /// <summary>"grpc" (default) or "http/protobuf", as OTEL_EXPORTER_OTLP_PROTOCOL names them.</summary>
    public string Protocol { get; set; } = "grpc";

    /// <summary>service.name of the exported spans. Default fastav-live.</summary>
    public string ServiceName { get; set; } = "fastav-live";

    /// <summary>Share of new traces recorded, 0–1 (a caller's sampled flag is followed). Default 1.</summary>
    public double SampleRatio { get; set; } = 1.0;

    public bool Enabled => Endpoint.Length > 0;

    /// <summary>Where spans are sent: the endpoint as given for grpc, its /v1/traces for http/protobuf.</summary>
    public Uri ExportUri()
    {
        var uri = new Uri(Endpoint);
        return Protocol == "grpc" || uri.AbsolutePath.EndsWith("/v1/traces", StringComparison.Ordinal) ? uri : new Uri(uri, uri.AbsolutePath.TrimEnd('/') + "/v1/traces");
    }

    public List<string> Validate()
    {
        var failures = new List<string>();
        if (Enabled && (!Uri.TryCreate(Endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            failures.Add($"OpenTelemetry:Endpoint '{Endpoint}' must be an http:// or https:// URL (or empty: no tracing).");
        }

        if (Protocol is not ("grpc" or "http/protobuf"))
        {
            failures.Add($"OpenTelemetry:Protocol '{Protocol}' must be grpc or http/protobuf.");
        }

        if (string.IsNullOrWhiteSpace(ServiceName))
        {
            failures.Add("OpenTelemetry:ServiceName must not be empty.");
        }

        if (!(SampleRatio is >= 0 and <= 1))
        {
            failures.Add($"OpenTelemetry:SampleRatio ({SampleRatio}) must be between 0 and 1.");
        }

        return failures;
    }
}
