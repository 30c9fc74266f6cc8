namespace FastAV.Live.LoadTests;

/// <summary>
/// A fixed set of clients shared by a scenario's copies (NBomber's ClientPool): copy n uses client n mod count, so
/// 100 cameras over 4 gRPC connections put 25 streams on each.
/// </summary>
public sealed class ClientPool<T> : IDisposable
{
    private readonly List<T> _clients = [];

    public int Count => _clients.Count;

    public void AddClient(T client)
    {
        ArgumentNullException.ThrowIfNull(client);
        _clients.Add(client);
    }

    public T GetClient(ScenarioInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (_clients.Count == 0) throw new InvalidOperationException("the client pool is empty: add clients in the scenario's init");
        return _clients[info.ThreadNumber % _clients.Count];
    }

    public void Dispose()
    {
        foreach (var client in _clients)
        {
            (client as IDisposable)?.Dispose();
        }

        _clients.Clear();
    }
}
