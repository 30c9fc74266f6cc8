namespace FastAV.Live.LoadTests.Reports;

/// <summary>A titled part of a report: paragraphs, tables, and (HTML only) SVG plots.</summary>
public sealed record ReportSection(string Title, IReadOnlyList<string> Paragraphs, IReadOnlyList<ReportTable> Tables, IReadOnlyList<string> Plots);
