using FastAV.Live.Server.Services;
using FastAV.Live.Server.Streams;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FastAV.Live.Server.Tests.Streams;

public sealed class LiveAnalyticsOptionsValidatorTests
{
    private static readonly LiveAnalyticsOptionsValidator Validator = new();

    public static TheoryData<Action<LiveAnalyticsOptions>, string> Bad => new()
    {
        { o => o.MaxConcurrentStreams = 0, "LiveAnalytics:MaxConcurrentStreams must be in [1, 1000000], got 0." },
        { o => o.MaxStreamIdLength = 129, "LiveAnalytics:MaxStreamIdLength" },
        { o => o.DefaultAnswerTokens = 2000, "LiveAnalytics:DefaultAnswerTokens must be in [1, 1024]" },
        { o => o.MaxVideoPayloadBytes = 0, "LiveAnalytics:MaxVideoPayloadBytes" },
        { o => o.PtsReorderTolerance = TimeSpan.FromMilliseconds(-1), "LiveAnalytics:PtsReorderTolerance" },
        { o => o.StatsInterval = TimeSpan.FromTicks(100), "LiveAnalytics:StatsInterval must be zero or at least 1 ms." },
        { o => { o.StatsInterval = TimeSpan.Zero; o.StatsEveryMessages = 0; }, "periodic StreamStats need one of them" },
        { o => o.ResponseQueueCapacity = 1, "LiveAnalytics:ResponseQueueCapacity" },
        { o => o.DefaultWindowMs = 50, "LiveAnalytics:DefaultWindowMs must be in [100, 10000]" },
        { o => o.DefaultKvTokensPerLayer = 8, "LiveAnalytics:DefaultKvTokensPerLayer" },
        { o => o.DefaultSinkTokens = 16_384, "LiveAnalytics:DefaultSinkTokens" },
        { o => o.DefaultFineDropRatio = float.NaN, "LiveAnalytics:DefaultFineDropRatio" },
        { o => o.DefaultForgettingFactor = 0, "LiveAnalytics:DefaultForgettingFactor" },
        { o => o.DefaultPageSize = 2000, "LiveAnalytics:DefaultPageSize" },
        { o => o.ResumeGracePeriod = TimeSpan.FromMilliseconds(-1), "LiveAnalytics:ResumeGracePeriod must be in [0, 86400000], got -1." },
        { o => o.ResumeGracePeriod = TimeSpan.FromDays(2), "LiveAnalytics:ResumeGracePeriod" },
        { o => o.MaxDetachedKvBytes = 0, "LiveAnalytics:MaxDetachedKvBytes must be in [1, " },
        { o => o.MaxDetachedAnswers = -1, "LiveAnalytics:MaxDetachedAnswers must be in [0, 1000000], got -1." },
    };

    [Theory]
    [MemberData(nameof(Bad))]
    public void Bad_options_fail_naming_the_key(Action<LiveAnalyticsOptions> breakIt, string expected)
    {
        var options = new LiveAnalyticsOptions();
        breakIt(options);
        var result = Validator.Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Defaults_are_valid() => Assert.True(Validator.Validate(null, new LiveAnalyticsOptions()).Succeeded);

    [Fact]
    public void Eager_validation_throws_invalid_operation_naming_every_bad_key()
    {
        var services = new ServiceCollection();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["LiveAnalytics:MaxConcurrentStreams"] = "0", ["LiveAnalytics:DefaultWindowMs"] = "5" })
            .Build();
        services.AddLiveAnalytics(configuration);
        using var provider = services.BuildServiceProvider();
        var ex = Assert.Throws<InvalidOperationException>(() => provider.ValidateLiveAnalyticsOptions());
        Assert.Contains("LiveAnalytics:MaxConcurrentStreams must be in [1, 1000000], got 0.", ex.Message, StringComparison.Ordinal);
        Assert.Contains("LiveAnalytics:DefaultWindowMs must be in [100, 10000], got 5.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_with_bad_options_does_not_start()
    {
        // The real host (ServerHost) turns the options' failures into one InvalidOperationException naming every key (exit 2 in `fastav`).
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => LiveServer.StartAsync(o => o.MaxConcurrentStreams = -1));
        Assert.Contains("LiveAnalytics:MaxConcurrentStreams", ex.Message, StringComparison.Ordinal);
    }
}
