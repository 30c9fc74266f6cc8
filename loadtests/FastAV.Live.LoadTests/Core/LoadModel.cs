namespace FastAV.Live.LoadTests;

/// <summary>How a scenario's copies are driven, decided by its simulations.</summary>
public enum LoadModel
{
    /// <summary>A copy count over time (RampingConstant, KeepConstant, Pause).</summary>
    Closed,

    /// <summary>Arrivals per interval over time (Inject, RampingInject, InjectRandom, Pause).</summary>
    Open,

    /// <summary>IterationsForConstant alone.</summary>
    IterationsForConstant,

    /// <summary>IterationsForInject alone.</summary>
    IterationsForInject,
}
