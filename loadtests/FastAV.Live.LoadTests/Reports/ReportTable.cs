namespace FastAV.Live.LoadTests.Reports;

/// <summary>A table as every report format shows it: the same cells, already formatted.</summary>
public sealed record ReportTable(string Title, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows);
