namespace FastAV.Live.LoadTests.Reports;

/// <summary>Writes report.{html,md,csv,txt} (the formats asked for) and report.json into the report folder.</summary>
public static class ReportWriter
{
    public static async Task<IReadOnlyList<string>> WriteAsync(RunResult result, string folder, IReadOnlyCollection<ReportFormat> formats)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        ArgumentNullException.ThrowIfNull(formats);
        Directory.CreateDirectory(folder);
        var files = new List<string>();
        async Task Write(string name, string content)
        {
            var path = Path.Combine(folder, name);
            await File.WriteAllTextAsync(path, content).ConfigureAwait(false);
            files.Add(path);
        }

        foreach (var format in formats)
        {
            switch (format)
            {
                case ReportFormat.Html:
                    await Write("report.html", HtmlReport.Render(result)).ConfigureAwait(false);
                    break;
                case ReportFormat.Md:
                    await Write("report.md", MarkdownReport.Render(result)).ConfigureAwait(false);
                    break;
                case ReportFormat.Csv:
                    await Write("report.csv", CsvReport.Render(result)).ConfigureAwait(false);
                    break;
                case ReportFormat.Txt:
                    await Write("report.txt", TextReport.Render(result)).ConfigureAwait(false);
                    break;
            }
        }

        await Write("report.json", JsonReport.Render(result with { ReportFiles = [.. files.Select(Path.GetFileName).OfType<string>()] })).ConfigureAwait(false);
        return files;
    }
}
