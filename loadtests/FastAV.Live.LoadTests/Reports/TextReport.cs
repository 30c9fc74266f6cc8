using System.Text;

namespace FastAV.Live.LoadTests.Reports;

/// <summary>report.txt: the report's sections as fixed-width text tables.</summary>
public static class TextReport
{
    public static string Render(RunResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var text = new StringBuilder();
        text.Append("load test report: ").AppendLine(result.TestInfo.TestName).AppendLine();
        foreach (var section in ReportContent.Build(result))
        {
            text.AppendLine(section.Title).AppendLine(new string('=', section.Title.Length));
            foreach (var p in section.Paragraphs) text.AppendLine(p);
            if (section.Paragraphs.Count > 0) text.AppendLine();
            foreach (var table in section.Tables)
            {
                if (table.Title.Length > 0) text.AppendLine(table.Title);
                var widths = table.Columns.Select((c, i) => Math.Max(c.Length, table.Rows.Select(r => i < r.Count ? r[i].Length : 0).DefaultIfEmpty(0).Max())).ToArray();
                string Line(IReadOnlyList<string> cells) => string.Join("  ", widths.Select((w, i) => (i < cells.Count ? cells[i] : "").PadRight(w))).TrimEnd();
                text.AppendLine(Line(table.Columns));
                text.AppendLine(string.Join("  ", widths.Select(w => new string('-', w))));
                foreach (var row in table.Rows) text.AppendLine(Line(row));
                text.AppendLine();
            }
        }

        return text.ToString();
    }
}
