namespace FastAV.Live.LoadTests.Reports;

/// <summary>Shows a run while it goes: polls the rows until cancelled.</summary>
public interface ILiveView
{
    Task RunAsync(Func<IReadOnlyList<LiveRow>> rows, CancellationToken cancellationToken);
}
