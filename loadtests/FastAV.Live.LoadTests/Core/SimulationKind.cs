namespace FastAV.Live.LoadTests;

/// <summary>The load simulations, by NBomber's names.</summary>
public enum SimulationKind
{
    /// <summary>Closed: ramps the copy count linearly from the previous value to Copies over During.</summary>
    RampingConstant,

    /// <summary>Closed: Copies copies running for During.</summary>
    KeepConstant,

    /// <summary>Closed, alone: Copies copies running until Iterations iterations have been started in all.</summary>
    IterationsForConstant,

    /// <summary>Open: Rate one-shot copies every Interval for During.</summary>
    Inject,

    /// <summary>Open: the injection rate ramps linearly from the previous rate to Rate over During.</summary>
    RampingInject,

    /// <summary>Open: a uniformly random rate in [MinRate, MaxRate] every Interval for During.</summary>
    InjectRandom,

    /// <summary>Open, alone: Rate copies every Interval until Iterations copies have been injected.</summary>
    IterationsForInject,

    /// <summary>Either model: nothing runs for During (closed copies are removed).</summary>
    Pause,
}
