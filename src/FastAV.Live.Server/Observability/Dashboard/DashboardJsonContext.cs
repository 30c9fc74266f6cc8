using System.Text.Json.Serialization;

namespace FastAV.Live.Server.Observability.Dashboard;

/// <summary>Source-generated JSON for the dashboard's state (camelCase, as the page's script reads it).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(DashboardState))]
internal sealed partial class DashboardJsonContext : JsonSerializerContext;
