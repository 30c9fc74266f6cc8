namespace FastAV.Live.Server.Tenants;

/// <summary>
/// A token bucket: it holds at most <see cref="Capacity"/> tokens, refills at <see cref="Rate"/> per second, and starts
/// full. Taking more than the capacity at once is allowed only from a full bucket and leaves it in debt (a video
/// keyframe larger than the burst still passes, and the stream then waits it off). Thread-safe.
/// </summary>
public sealed class TokenBucket
{
    // Refill arithmetic in doubles: 0.499 s × 2/s is 0.998 and a hair, not 1 ms short of a token. A billionth of a token
    // (or of a millisecond) is forgiven so the advised wait is exact and waiting it is enough.
    private const double Slack = 1e-9;

    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private double _tokens;
    private long _stamp;

    public TokenBucket(double rate, double capacity, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        Check(rate, capacity);
        Rate = rate;
        Capacity = capacity;
        _tokens = capacity;
        _stamp = time.GetTimestamp();
    }

    public double Rate { get; private set; }

    public double Capacity { get; private set; }

    /// <summary>Tokens now (negative while in debt).</summary>
    public double Tokens
    {
        get
        {
            lock (_gate)
            {
                Refill();
                return _tokens;
            }
        }
    }

    /// <summary>Takes <paramref name="cost"/> tokens, or takes none and says how long until it could.</summary>
    public bool TryTake(double cost, out TimeSpan retryAfter)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cost);
        lock (_gate)
        {
            Refill();
            var needed = Math.Min(cost, Capacity);
            if (_tokens >= needed - Slack)
            {
                _tokens -= cost;
                retryAfter = TimeSpan.Zero;
                return true;
            }

            // Rounded up to whole milliseconds, so a client that waits this long finds the tokens there.
            retryAfter = TimeSpan.FromMilliseconds(Math.Ceiling(((needed - _tokens) / Rate * 1000) - Slack));
            return false;
        }
    }

    /// <summary>Gives back tokens taken for work that did not happen (another bucket refused it).</summary>
    public void Refund(double cost)
    {
        lock (_gate)
        {
            _tokens = Math.Min(Capacity, _tokens + cost);
        }
    }

    /// <summary>New limits (the tenants file changed); the tokens held stay, up to the new capacity.</summary>
    public void Configure(double rate, double capacity)
    {
        Check(rate, capacity);
        lock (_gate)
        {
            Refill();
            Rate = rate;
            Capacity = capacity;
            _tokens = Math.Min(_tokens, capacity);
        }
    }

    private void Refill()
    {
        var now = _time.GetTimestamp();
        var elapsed = _time.GetElapsedTime(_stamp, now).TotalSeconds;
        _stamp = now;
        if (elapsed > 0)
        {
            _tokens = Math.Min(Capacity, _tokens + elapsed * Rate);
        }
    }

    private static void Check(double rate, double capacity)
    {
        if (!(rate > 0) || double.IsInfinity(rate))
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "must be a positive number");
        }

        if (!(capacity >= 1) || double.IsInfinity(capacity))
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "must be at least 1");
        }
    }
}
