namespace FastAV.Live.Server.Tests.Hostile;

/// <summary>
/// One malformed request and the exact outcome it must get. Cases with <see cref="OwnConnection"/> open
/// (and usually wreck) their own connection; the rest run on a shared, long-lived connection.
/// </summary>
public sealed record HostileCase(
    HostileCategory Category,
    string Name,
    HostileOutcome Expected,
    Func<HostileContext, Task<HostileOutcome>> RunAsync,
    bool OwnConnection = false);
