using System.Text;

namespace FastAV.Live.LoadTests.Reports;

/// <summary>report.md: the report's sections as GitHub tables (a '|' in a cell is escaped).</summary>
public static class MarkdownReport
{
    public static string Render(RunResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var md = new StringBuilder();
        md.Append("# Load test report: ").AppendLine(result.TestInfo.TestName).AppendLine();
        foreach (var section in ReportContent.Build(result))
        {
            md.Append("## ").AppendLine(section.Title).AppendLine();
            foreach (var p in section.Paragraphs) md.AppendLine(p).AppendLine();
            foreach (var table in section.Tables)
            {
                if (table.Title.Length > 0) md.Append("**").Append(table.Title).AppendLine("**").AppendLine();
                md.Append("| ").AppendJoin(" | ", table.Columns.Select(Cell)).AppendLine(" |");
                md.Append('|').AppendJoin("|", table.Columns.Select(_ => "---")).AppendLine("|");
                foreach (var row in table.Rows) md.Append("| ").AppendJoin(" | ", row.Select(Cell)).AppendLine(" |");
                md.AppendLine();
            }
        }

        return md.ToString();
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
