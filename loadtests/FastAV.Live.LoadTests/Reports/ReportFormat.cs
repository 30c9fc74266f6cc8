namespace FastAV.Live.LoadTests.Reports;

/// <summary>NBomber's report formats.</summary>
public enum ReportFormat
{
    Txt,
    Html,
    Csv,
    Md,
}
