using FastAV.Live.Grpc.Wire;

namespace FastAV.Live.Grpc.Tests.Wire;

public sealed class GrpcTimeoutTests
{
    [Theory]
    [InlineData("1H", 36_000_000_000L)]
    [InlineData("2M", 1_200_000_000L)]
    [InlineData("3S", 30_000_000L)]
    [InlineData("250m", 2_500_000L)]
    [InlineData("7u", 70L)]
    [InlineData("1500n", 15L)]
    [InlineData("99999999S", 999_999_990_000_000L)]
    [InlineData("0m", 0L)]
    public void Parses_every_unit(string value, long ticks)
    {
        Assert.True(GrpcTimeout.TryParse(value, out var timeout));
        Assert.Equal(ticks, timeout.Ticks);
    }

    [Fact]
    public void The_largest_hour_value_fits()
    {
        Assert.True(GrpcTimeout.TryParse("99999999H", out var timeout));
        Assert.Equal(TimeSpan.FromHours(99_999_999), timeout);
    }

    [Theory]
    [InlineData("")]
    [InlineData("S")]
    [InlineData("10")]
    [InlineData("10s")]
    [InlineData("10x")]
    [InlineData("-1S")]
    [InlineData("1.5S")]
    [InlineData("123456789S")]
    [InlineData(" 1S")]
    [InlineData("1 S")]
    [InlineData(null)]
    public void Rejects_malformed_values(string? value) => Assert.False(GrpcTimeout.TryParse(value, out _));

    [Theory]
    [InlineData(1L, "100n")]
    [InlineData(999_999L, "99999900n")]
    [InlineData(1_000_000L, "100000u")]
    [InlineData(36_000_000_000L, "3600000m")]
    public void Formats_with_the_finest_unit_that_fits(long ticks, string expected) =>
        Assert.Equal(expected, GrpcTimeout.Format(TimeSpan.FromTicks(ticks)));

    [Fact]
    public void Format_round_trips_within_one_unit_and_never_shortens()
    {
        var random = new Random(7);
        for (var i = 0; i < 10_000; i++)
        {
            var ticks = (long)(random.NextDouble() * TimeSpan.FromDays(3000).Ticks);
            var text = GrpcTimeout.Format(TimeSpan.FromTicks(ticks));
            Assert.True(text.Length <= 9, text);
            Assert.True(GrpcTimeout.TryParse(text, out var parsed));
            Assert.True(parsed.Ticks >= ticks, $"{text} < {ticks}");
            Assert.True(parsed.Ticks - ticks <= Math.Max(10, ticks / 50_000), $"{text} vs {ticks}");
        }
    }

    [Fact]
    public void Zero_or_negative_formats_as_the_smallest_positive_value() =>
        Assert.Equal("1n", GrpcTimeout.Format(TimeSpan.FromSeconds(-3)));
}
