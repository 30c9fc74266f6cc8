using System.Text.Json;
using System.Text.Json.Serialization;

namespace FastAV.Live.LoadTests.Reports;

/// <summary>report.json: the whole <see cref="RunResult"/> (every stream, every interval), for tools and for comparing runs. NaN is written as "NaN".</summary>
public static class JsonReport
{
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter() },
    };

    public static string Render(RunResult result) => JsonSerializer.Serialize(result, Options);
}
