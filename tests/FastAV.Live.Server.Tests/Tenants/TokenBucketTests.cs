using FastAV.Live.Server.Tenants;
using Microsoft.Extensions.Time.Testing;

namespace FastAV.Live.Server.Tests.Tenants;

/// <summary>The token bucket behind the rate quotas, on a clock that moves only when told.</summary>
public sealed class TokenBucketTests
{
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public void Starts_full_takes_exactly_the_capacity_and_says_how_long_to_wait()
    {
        var bucket = new TokenBucket(rate: 1000, capacity: 2000, _clock);
        Assert.True(bucket.TryTake(1500, out _));
        Assert.True(bucket.TryTake(500, out var none));
        Assert.Equal(TimeSpan.Zero, none);
        Assert.False(bucket.TryTake(1, out var wait));
        Assert.Equal(TimeSpan.FromMilliseconds(1), wait);
        Assert.False(bucket.TryTake(250, out wait));
        Assert.Equal(TimeSpan.FromMilliseconds(250), wait);
        _clock.Advance(TimeSpan.FromMilliseconds(250));
        Assert.True(bucket.TryTake(250, out _));
        Assert.Equal(0, bucket.Tokens, 9);
    }

    [Fact]
    public void Refills_no_further_than_the_capacity()
    {
        var bucket = new TokenBucket(rate: 2, capacity: 3, _clock);
        Assert.True(bucket.TryTake(3, out _));
        _clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(3, bucket.Tokens, 9);
        Assert.True(bucket.TryTake(3, out _));
        Assert.False(bucket.TryTake(1, out var wait));
        Assert.Equal(TimeSpan.FromMilliseconds(500), wait);
    }

    [Fact]
    public void A_cost_above_the_capacity_passes_from_a_full_bucket_and_leaves_a_debt()
    {
        var bucket = new TokenBucket(rate: 100, capacity: 100, _clock);
        Assert.True(bucket.TryTake(250, out _));
        Assert.Equal(-150, bucket.Tokens, 9);
        Assert.False(bucket.TryTake(250, out var wait));
        Assert.Equal(TimeSpan.FromMilliseconds(2500), wait); // back to full (100) from -150 at 100/s
        _clock.Advance(wait);
        Assert.True(bucket.TryTake(250, out _));
    }

    [Fact]
    public void A_refund_gives_tokens_back_up_to_the_capacity_and_new_limits_keep_what_is_held()
    {
        var bucket = new TokenBucket(rate: 1, capacity: 2, _clock);
        Assert.True(bucket.TryTake(2, out _));
        bucket.Refund(1);
        Assert.Equal(1, bucket.Tokens, 9);
        bucket.Refund(5);
        Assert.Equal(2, bucket.Tokens, 9);
        bucket.Configure(rate: 10, capacity: 1);
        Assert.Equal(1, bucket.Tokens, 9);
        Assert.True(bucket.TryTake(1, out _));
        Assert.False(bucket.TryTake(1, out var wait));
        Assert.Equal(TimeSpan.FromMilliseconds(100), wait);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(-1, 1)]
    [InlineData(double.NaN, 1)]
    [InlineData(1, 0.5)]
    [InlineData(1, double.PositiveInfinity)]
    public void Bad_limits_are_refused(double rate, double capacity) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new TokenBucket(rate, capacity, _clock));
}
