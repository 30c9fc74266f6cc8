using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using FastAV.Live.Server.Tenants;
using FastAV.Live.Server.Tests.Observability;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace FastAV.Live.Server.Tests.Tenants;

/// <summary>
/// The auth and quota counts as System.Diagnostics.Metrics instruments on meter FastAV.Live.Trust, as any exporter
/// receives them from the real server, and on its /metrics.
/// </summary>
public sealed class TrustMetricsTests(TenantServerFixture fixture) : IClassFixture<TenantServerFixture>
{
    [Fact]
    public async Task Refusals_and_live_streams_per_tenant_reach_a_meter_listener()
    {
        var measurements = new ConcurrentQueue<(string Instrument, long Value, Dictionary<string, string> Tags)>();
        var meter = fixture.Server.Services.GetRequiredService<TrustMetrics>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == TrustMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => measurements.Enqueue((instrument.Name, value, Tags(tags))));
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => measurements.Enqueue((instrument.Name, value, Tags(tags))));
        listener.Start();

        using var channel = fixture.Server.CreateChannel();
        Assert.Equal(StatusCode.PermissionDenied, (await TenantCalls.CallAsync(channel, "Ask", TenantCalls.As("reader"))).StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, (await TenantCalls.CallAsync(channel, "GetStream", [])).StatusCode);
        var (call, _) = await TenantCalls.OpenAsync(channel, TenantCalls.As("site-b"), StreamMessages.Open("metered-1"));
        listener.RecordObservableInstruments();
        await TenantCalls.FinishAsync(call);

        Assert.Contains(measurements, m => m is { Instrument: "fastav.auth.refusals", Value: 1 } && m.Tags["method"] == "Ask" && m.Tags["code"] == "PermissionDenied" && m.Tags["tenant"] == "reader");
        Assert.Contains(measurements, m => m is { Instrument: "fastav.auth.refusals", Value: 1 } && m.Tags["method"] == "GetStream" && m.Tags["code"] == "Unauthenticated" && m.Tags["tenant"] == "");
        Assert.Contains(measurements, m => m is { Instrument: "fastav.tenant.streams", Value: 1 } && m.Tags["tenant"] == "site-b");
        Assert.True(meter.AuthRefusals("Ask", StatusCode.PermissionDenied) >= 1);

        // The side port's /metrics (OpenTelemetry's Prometheus exporter) publishes the same meter, to a reader with read and admin.
        using var http = new HttpClient { BaseAddress = fixture.Server.HttpAddress };
        http.DefaultRequestHeaders.Add("Authorization", "Bearer " + TenantsFileWriter.KeyOf("ops"));
        var scraped = await ObservedServer.ScrapeUntilAsync(http, m => m.Has("fastav_auth_refusals_total", "method=Ask", "code=PermissionDenied", "tenant=reader"));
        Assert.True(scraped.Value("fastav_auth_refusals_total", "method=Ask", "code=PermissionDenied", "tenant=reader") >= 1);
        Assert.Equal("counter", scraped.Types.GetValueOrDefault("fastav_auth_refusals") ?? scraped.Types.GetValueOrDefault("fastav_auth_refusals_total"));
    }

    private static Dictionary<string, string> Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var result = new Dictionary<string, string>();
        foreach (var (key, value) in tags)
        {
            result[key] = value?.ToString() ?? "";
        }

        return result;
    }
}
