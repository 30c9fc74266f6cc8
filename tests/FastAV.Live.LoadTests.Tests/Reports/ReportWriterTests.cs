using System.Globalization;
using System.Text.Json;
using System.Xml;
using FastAV.Live.LoadTests.Reports;

namespace FastAV.Live.LoadTests.Tests.Reports;

/// <summary>Every format parses and holds the run's numbers.</summary>
public sealed class ReportWriterTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"fastav-load-reports-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task FormatsParseAndAgree()
    {
        var scenario = Scenario.Create("mixed \"quoted\" <&> run", async ctx =>
        {
            await Step.Run("call|pipe, comma", ctx, () => Task.FromResult(ctx.InvocationNumber % 4 == 0 ? Response.Fail("UNAVAILABLE", "down, \"really\"") : Response.Ok(sizeBytes: 1000, latencyMs: ctx.InvocationNumber)));
            return Response.Ok();
        }).WithoutWarmUp().WithLoadSimulations(Simulation.IterationsForConstant(2, 40)).WithThresholds(Threshold.Create("call|pipe, comma", s => s.Fail.Request.Count == 0));
        var result = await LoadRunner.RegisterScenarios(scenario).WithReportFolder(_dir).WithNotes("a note with <markup> & ampersands").RunAsync();
        Assert.Equal(1, result.ExitCode);
        var step = result.ScenarioStats[0].Step("call|pipe, comma");
        Assert.Equal(40, step.AllRequestCount);
        Assert.Equal(step.Fail.Request.Count, 40 - step.Ok.Request.Count);
        Assert.Equal(["report.html", "report.md", "report.csv", "report.txt", "report.json"], result.ReportFiles.Select(Path.GetFileName));

        // HTML: well-formed XML, self-contained, with the step's numbers and an SVG plot.
        var html = await File.ReadAllTextAsync(Path.Combine(_dir, "report.html"));
        var doc = new XmlDocument();
        using (var reader = XmlReader.Create(new StringReader(html), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore }))
        {
            doc.Load(reader);
        }

        var ns = new XmlNamespaceManager(doc.NameTable);
        ns.AddNamespace("h", "http://www.w3.org/1999/xhtml");
        ns.AddNamespace("s", "http://www.w3.org/2000/svg");
        Assert.NotEmpty(doc.SelectNodes("//s:svg", ns)!.Cast<XmlNode>());
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/", "", StringComparison.Ordinal), StringComparison.Ordinal);
        var okRow = doc.SelectNodes("//h:table[preceding-sibling::h:h3[1][.='ok stats']]//h:tr", ns)!.Cast<XmlNode>().Single(r => r.FirstChild!.InnerText == "call|pipe, comma");
        Assert.Equal(FastAV.Live.LoadTests.Reports.Cells.Count(step.Ok.Request.Count), okRow.ChildNodes[1]!.InnerText);
        Assert.Equal(FastAV.Live.LoadTests.Reports.Cells.Ms(step.Ok.Latency.Percent95), okRow.ChildNodes[9]!.InnerText);
        Assert.Contains("a note with <markup> & ampersands", doc.InnerText, StringComparison.Ordinal);
        Assert.Contains("FAILED", doc.InnerText, StringComparison.Ordinal);

        // CSV: the header's columns on every row (RFC 4180 quoting), the step's counts.
        var rows = ParseCsv(await File.ReadAllTextAsync(Path.Combine(_dir, "report.csv")));
        Assert.Equal(CsvReport.Columns, rows[0]);
        Assert.All(rows, r => Assert.Equal(CsvReport.Columns.Length, r.Count));
        var csvStep = rows.Single(r => r[4] == "call|pipe, comma");
        Assert.Equal("mixed \"quoted\" <&> run", csvStep[2]);
        Assert.Equal(step.AllRequestCount.ToString(CultureInfo.InvariantCulture), csvStep[5]);
        Assert.Equal(step.Ok.Request.Count.ToString(CultureInfo.InvariantCulture), csvStep[6]);
        Assert.Equal(step.Fail.Request.Count.ToString(CultureInfo.InvariantCulture), csvStep[7]);
        Assert.Equal(step.Ok.Latency.Percent95, double.Parse(csvStep[14], CultureInfo.InvariantCulture), 3);
        Assert.Contains(rows, r => r[4] == ReportContent.GlobalStep);

        // Markdown: every table row has its header's cell count (escaped pipes do not split cells).
        var md = await File.ReadAllLinesAsync(Path.Combine(_dir, "report.md"));
        var tables = 0;
        for (var i = 0; i < md.Length; i++)
        {
            if (!md[i].StartsWith('|') || (i > 0 && md[i - 1].StartsWith('|'))) continue;
            tables++;
            var cells = CellCount(md[i]);
            Assert.Matches(@"^\|(---\|)+$", md[i + 1]);
            for (var j = i + 2; j < md.Length && md[j].StartsWith('|'); j++) Assert.Equal(cells, CellCount(md[j]));
        }

        Assert.True(tables >= 6, $"{tables} tables");
        Assert.Contains(md, l => l.StartsWith("| call\\|pipe, comma | " + FastAV.Live.LoadTests.Reports.Cells.Count(step.Ok.Request.Count) + " |", StringComparison.Ordinal));

        // Text and JSON.
        var txt = await File.ReadAllTextAsync(Path.Combine(_dir, "report.txt"));
        Assert.Contains("Scenario: mixed \"quoted\" <&> run", txt, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_dir, "report.json")));
        var jsonStep = json.RootElement.GetProperty("scenario_stats")[0].GetProperty("step_stats")[0];
        Assert.Equal(step.Ok.Request.Count, jsonStep.GetProperty("ok").GetProperty("request").GetProperty("count").GetInt64());
        Assert.True(json.RootElement.GetProperty("thresholds")[0].GetProperty("is_failed").GetBoolean());
    }

    private static int CellCount(string line) => line.Replace("\\|", "", StringComparison.Ordinal).Count(c => c == '|') - 1;

    private static List<List<string>> ParseCsv(string text)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { row.Add(field.ToString()); field.Clear(); }
            else if (c == '\r') { }
            else if (c == '\n') { row.Add(field.ToString()); field.Clear(); rows.Add(row); row = []; }
            else field.Append(c);
        }

        return rows;
    }
}
