namespace FastAV.Live.LoadTests;

/// <summary>
/// The load simulations with NBomber's names and arguments. Closed model (copies = virtual users, here camera
/// streams): RampingConstant, KeepConstant, IterationsForConstant. Open model (copies injected per interval, each
/// running once, here Ask calls): Inject, RampingInject, InjectRandom, IterationsForInject. Pause fits either.
/// Mixing rules are checked by <see cref="LoadTimeline.Create"/>.
/// </summary>
public static class Simulation
{
    public static LoadSimulation RampingConstant(int copies, TimeSpan during) =>
        new(SimulationKind.RampingConstant, NonNegative(copies, nameof(copies)), 0, TimeSpan.Zero, Positive(during, nameof(during)), 0);

    public static LoadSimulation KeepConstant(int copies, TimeSpan during) =>
        new(SimulationKind.KeepConstant, NonNegative(copies, nameof(copies)), 0, TimeSpan.Zero, Positive(during, nameof(during)), 0);

    public static LoadSimulation IterationsForConstant(int copies, int iterations) =>
        new(SimulationKind.IterationsForConstant, AtLeastOne(copies, nameof(copies)), 0, TimeSpan.Zero, TimeSpan.Zero, AtLeastOne(iterations, nameof(iterations)));

    public static LoadSimulation Inject(int rate, TimeSpan interval, TimeSpan during) =>
        new(SimulationKind.Inject, NonNegative(rate, nameof(rate)), 0, Positive(interval, nameof(interval)), Positive(during, nameof(during)), 0);

    public static LoadSimulation RampingInject(int rate, TimeSpan interval, TimeSpan during) =>
        new(SimulationKind.RampingInject, NonNegative(rate, nameof(rate)), 0, Positive(interval, nameof(interval)), Positive(during, nameof(during)), 0);

    public static LoadSimulation InjectRandom(int minRate, int maxRate, TimeSpan interval, TimeSpan during)
    {
        NonNegative(minRate, nameof(minRate));
        if (maxRate < minRate) throw new ArgumentOutOfRangeException(nameof(maxRate), maxRate, $"must be at least minRate ({minRate})");
        return new(SimulationKind.InjectRandom, minRate, maxRate, Positive(interval, nameof(interval)), Positive(during, nameof(during)), 0);
    }

    public static LoadSimulation IterationsForInject(int rate, TimeSpan interval, int iterations) =>
        new(SimulationKind.IterationsForInject, AtLeastOne(rate, nameof(rate)), 0, Positive(interval, nameof(interval)), TimeSpan.Zero, AtLeastOne(iterations, nameof(iterations)));

    public static LoadSimulation Pause(TimeSpan during) =>
        new(SimulationKind.Pause, 0, 0, TimeSpan.Zero, Positive(during, nameof(during)), 0);

    private static int NonNegative(int value, string name) =>
        value >= 0 ? value : throw new ArgumentOutOfRangeException(name, value, "must be 0 or more");

    private static int AtLeastOne(int value, string name) =>
        value >= 1 ? value : throw new ArgumentOutOfRangeException(name, value, "must be 1 or more");

    private static TimeSpan Positive(TimeSpan value, string name) =>
        value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(name, value, "must be longer than zero");
}
