using System.Security;
using System.Text;

namespace FastAV.Live.LoadTests.Reports;

/// <summary>
/// report.html: one self-contained, well-formed (XHTML-style) page — inline CSS, inline SVG plots, no script and no
/// external reference — so it opens anywhere and parses as XML.
/// </summary>
public static class HtmlReport
{
    private const string Style = """
        body { font-family: system-ui, sans-serif; margin: 24px; color: #222; }
        h1 { font-size: 22px; } h2 { font-size: 18px; border-bottom: 1px solid #ccc; padding-bottom: 4px; margin-top: 32px; }
        h3 { font-size: 14px; margin-bottom: 4px; }
        table { border-collapse: collapse; font-size: 12px; margin-bottom: 12px; }
        th, td { border: 1px solid #ddd; padding: 3px 6px; text-align: right; }
        th { background: #f3f3f3; } td:first-child, th:first-child { text-align: left; }
        .passed { color: #1a7f37; font-weight: bold; } .failed { color: #c62828; font-weight: bold; }
        .plots svg { display: block; margin: 8px 0; }
        """;

    public static string Render(RunResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var html = new StringBuilder();
        html.AppendLine("<!DOCTYPE html>");
        html.AppendLine("<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">");
        html.Append("<head><meta charset=\"utf-8\"/><title>").Append(E($"Load test report: {result.TestInfo.TestName}")).Append("</title><style>").Append(Style).AppendLine("</style></head>");
        html.AppendLine("<body>");
        html.Append("<h1>Load test report: ").Append(E(result.TestInfo.TestName)).AppendLine("</h1>");
        html.Append("<p class=\"").Append(result.Passed ? "passed" : "failed").Append("\">").Append(E(ReportContent.Verdict(result))).AppendLine("</p>");
        foreach (var section in ReportContent.Build(result))
        {
            html.Append("<h2>").Append(E(section.Title)).AppendLine("</h2>");
            foreach (var p in section.Paragraphs) html.Append("<p>").Append(E(p)).AppendLine("</p>");
            if (section.Plots.Count > 0)
            {
                html.AppendLine("<div class=\"plots\">");
                foreach (var svg in section.Plots) html.AppendLine(svg);
                html.AppendLine("</div>");
            }

            foreach (var table in section.Tables)
            {
                if (table.Title.Length > 0) html.Append("<h3>").Append(E(table.Title)).AppendLine("</h3>");
                html.Append("<table><thead><tr>");
                foreach (var c in table.Columns) html.Append("<th>").Append(E(c)).Append("</th>");
                html.AppendLine("</tr></thead><tbody>");
                foreach (var row in table.Rows)
                {
                    html.Append("<tr>");
                    foreach (var cell in row)
                    {
                        var css = cell == "FAILED" ? " class=\"failed\"" : cell == "passed" ? " class=\"passed\"" : "";
                        html.Append("<td").Append(css).Append('>').Append(E(cell)).Append("</td>");
                    }

                    html.AppendLine("</tr>");
                }

                html.AppendLine("</tbody></table>");
            }
        }

        html.AppendLine("</body>");
        html.AppendLine("</html>");
        return html.ToString();
    }

    private static string E(string text) => SecurityElement.Escape(text) ?? "";
}
