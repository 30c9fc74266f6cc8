namespace FastAV.Live.LoadTests;

/// <summary>
/// A scenario's simulations laid end to end, with NBomber's mixing rules checked and its schedules computed as
/// plain functions of time (so tests check them without running anything):
/// <list type="bullet">
/// <item>RampingConstant and KeepConstant mix with each other and Pause; RampingInject, Inject and InjectRandom mix
/// with each other and Pause; IterationsForConstant and IterationsForInject stand alone.</item>
/// <item>Closed: copies at t = round(previous + (target − previous) · (t − start) / during) in a ramp (a ramp starts
/// from where the previous simulation ended, 0 at the start and after a Pause), the target in KeepConstant, 0 in
/// Pause and after the end.</item>
/// <item>Open: one tick per interval from the segment's start (⌈during / interval⌉ ticks); Inject injects its rate
/// each tick, RampingInject the rate reached at the tick's interval end, round(previous + (target − previous) ·
/// (k + 1) / n), so its last interval runs at the target; InjectRandom a uniform draw in [min, max]; the copies of
/// a tick are spread evenly over its interval rather than started in one burst.</item>
/// </list>
/// </summary>
public sealed class LoadTimeline
{
    private LoadTimeline(LoadModel model, IReadOnlyList<TimelineSegment> segments, TimeSpan? duration)
    {
        Model = model;
        Segments = segments;
        Duration = duration;
    }

    public LoadModel Model { get; }

    public IReadOnlyList<TimelineSegment> Segments { get; }

    /// <summary>The timeline's length; null for IterationsForConstant, which ends when its iterations are done.</summary>
    public TimeSpan? Duration { get; }

    /// <summary>Checks the mixing rules and lays the simulations end to end; the message of a refusal names the simulations.</summary>
    public static LoadTimeline Create(IReadOnlyList<LoadSimulation> simulations)
    {
        ArgumentNullException.ThrowIfNull(simulations);
        if (simulations.Count == 0) throw new ArgumentException("LoadSimulations: at least one simulation is required", nameof(simulations));
        if (simulations.Any(s => s is null)) throw new ArgumentException("LoadSimulations: a simulation is null", nameof(simulations));

        var iterations = simulations.FirstOrDefault(s => s.IsIterations);
        if (iterations is not null)
        {
            if (simulations.Count > 1)
            {
                throw new ArgumentException($"LoadSimulations: {iterations.Kind} can't be mixed with any other simulation (got {string.Join(", ", simulations.Select(s => s.Kind))})", nameof(simulations));
            }

            if (iterations.Kind == SimulationKind.IterationsForConstant)
            {
                return new LoadTimeline(LoadModel.IterationsForConstant, [new TimelineSegment(iterations, TimeSpan.Zero, TimeSpan.Zero, 0)], null);
            }

            var ticks = (iterations.Iterations + iterations.Value - 1) / iterations.Value;
            var end = iterations.Interval * ticks;
            return new LoadTimeline(LoadModel.IterationsForInject, [new TimelineSegment(iterations, TimeSpan.Zero, end, 0)], end);
        }

        var closed = simulations.FirstOrDefault(s => s.IsClosed);
        var open = simulations.FirstOrDefault(s => s.IsOpen);
        if (closed is not null && open is not null)
        {
            throw new ArgumentException(
                $"LoadSimulations: {closed.Kind} (closed model) can't be mixed with {open.Kind} (open model); "
                + "RampingConstant and KeepConstant mix with each other and Pause, RampingInject, Inject and InjectRandom with each other and Pause",
                nameof(simulations));
        }

        var segments = new List<TimelineSegment>(simulations.Count);
        var at = TimeSpan.Zero;
        var previous = 0;
        foreach (var s in simulations)
        {
            segments.Add(new TimelineSegment(s, at, at + s.During, previous));
            at += s.During;
            previous = s.Kind switch
            {
                SimulationKind.Pause => 0,
                SimulationKind.InjectRandom => (s.Value + s.MaxRate) / 2,
                _ => s.Value,
            };
        }

        return new LoadTimeline(open is null ? LoadModel.Closed : LoadModel.Open, segments, at);
    }

    /// <summary>Closed model: the copies that should be running at <paramref name="t"/> (0 outside the timeline).</summary>
    public int CopiesAt(TimeSpan t)
    {
        if (Model == LoadModel.IterationsForConstant) return Segments[0].Simulation.Value;
        if (Model != LoadModel.Closed) throw new InvalidOperationException($"CopiesAt is for the closed model; this timeline is {Model}");
        var segment = Segments.FirstOrDefault(s => t >= s.Start && t < s.End);
        if (segment is null) return 0;
        var sim = segment.Simulation;
        return sim.Kind switch
        {
            SimulationKind.KeepConstant => sim.Value,
            SimulationKind.RampingConstant => Ramp(segment.PreviousValue, sim.Value, (t - segment.Start) / sim.During),
            _ => 0,
        };
    }

    /// <summary>Open model: every injection interval in order, with its copy count (draws InjectRandom's rates from <paramref name="random"/>).</summary>
    public IEnumerable<InjectionTick> Ticks(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (Model is not (LoadModel.Open or LoadModel.IterationsForInject)) throw new InvalidOperationException($"Ticks are for the open model; this timeline is {Model}");
        return Model == LoadModel.IterationsForInject ? IterationTicks() : OpenTicks(random);
    }

    private IEnumerable<InjectionTick> OpenTicks(Random random)
    {
        for (var i = 0; i < Segments.Count; i++)
        {
            var segment = Segments[i];
            var sim = segment.Simulation;
            if (sim.Kind == SimulationKind.Pause) continue;
            var n = (int)Math.Ceiling(sim.During / sim.Interval);
            for (var k = 0; k < n; k++)
            {
                var count = sim.Kind switch
                {
                    SimulationKind.Inject => sim.Value,
                    SimulationKind.RampingInject => Ramp(segment.PreviousValue, sim.Value, (k + 1) / (double)n),
                    _ => random.Next(sim.Value, sim.MaxRate + 1),
                };
                yield return new InjectionTick(segment.Start + (sim.Interval * k), count, sim.Interval, i);
            }
        }
    }

    private IEnumerable<InjectionTick> IterationTicks()
    {
        var sim = Segments[0].Simulation;
        var left = sim.Iterations;
        for (var k = 0; left > 0; k++)
        {
            var count = Math.Min(sim.Value, left);
            left -= count;
            yield return new InjectionTick(sim.Interval * k, count, sim.Interval, 0);
        }
    }

    private static int Ramp(int from, int to, double progress) =>
        (int)Math.Round(from + ((to - from) * Math.Clamp(progress, 0, 1)), MidpointRounding.AwayFromZero);
}
