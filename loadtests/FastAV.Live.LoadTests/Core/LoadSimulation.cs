namespace FastAV.Live.LoadTests;

/// <summary>
/// One load simulation of a scenario; build them with <see cref="Simulation"/> (NBomber's names and arguments).
/// Copies/Rate is the target copy count (closed model) or copies injected per interval (open model).
/// </summary>
public sealed record LoadSimulation(SimulationKind Kind, int Value, int MaxRate, TimeSpan Interval, TimeSpan During, int Iterations)
{
    public bool IsClosed => Kind is SimulationKind.RampingConstant or SimulationKind.KeepConstant or SimulationKind.IterationsForConstant;

    public bool IsOpen => Kind is SimulationKind.Inject or SimulationKind.RampingInject or SimulationKind.InjectRandom or SimulationKind.IterationsForInject;

    public bool IsIterations => Kind is SimulationKind.IterationsForConstant or SimulationKind.IterationsForInject;

    /// <summary>NBomber's spelling, e.g. "Inject(rate: 5, interval: 00:00:01, during: 00:00:30)".</summary>
    public override string ToString() => Kind switch
    {
        SimulationKind.RampingConstant or SimulationKind.KeepConstant => $"{Kind}(copies: {Value}, during: {During:c})",
        SimulationKind.IterationsForConstant => $"{Kind}(copies: {Value}, iterations: {Iterations})",
        SimulationKind.Inject or SimulationKind.RampingInject => $"{Kind}(rate: {Value}, interval: {Interval:c}, during: {During:c})",
        SimulationKind.InjectRandom => $"{Kind}(minRate: {Value}, maxRate: {MaxRate}, interval: {Interval:c}, during: {During:c})",
        SimulationKind.IterationsForInject => $"{Kind}(rate: {Value}, interval: {Interval:c}, iterations: {Iterations})",
        _ => $"{Kind}(during: {During:c})",
    };
}
