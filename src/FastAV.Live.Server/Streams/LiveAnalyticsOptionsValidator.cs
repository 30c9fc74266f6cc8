using Microsoft.Extensions.Options;

namespace FastAV.Live.Server.Streams;

/// <summary>Checks <see cref="LiveAnalyticsOptions"/> at start-up: each failure names the configuration key.</summary>
public sealed class LiveAnalyticsOptionsValidator : IValidateOptions<LiveAnalyticsOptions>
{
    public ValidateOptionsResult Validate(string? name, LiveAnalyticsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        void Range(string key, long value, long min, long max)
        {
            if (value < min || value > max)
            {
                failures.Add($"{LiveAnalyticsOptions.SectionName}:{key} must be in [{min}, {max}], got {value}.");
            }
        }

        Range(nameof(options.MaxConcurrentStreams), options.MaxConcurrentStreams, 1, 1_000_000);
        Range(nameof(options.MaxStreamIdLength), options.MaxStreamIdLength, 1, IdentifierRules.MaxLength);
        Range(nameof(options.MaxQuestionIdLength), options.MaxQuestionIdLength, 1, IdentifierRules.MaxLength);
        Range(nameof(options.MaxQuestionChars), options.MaxQuestionChars, 1, 1_000_000);
        Range(nameof(options.MaxAnswerTokens), options.MaxAnswerTokens, 1, 1_000_000);
        Range(nameof(options.DefaultAnswerTokens), options.DefaultAnswerTokens, 1, options.MaxAnswerTokens);
        Range(nameof(options.MaxStandingQuestions), options.MaxStandingQuestions, 0, 10_000);
        Range(nameof(options.MaxLabels), options.MaxLabels, 0, 1000);
        Range(nameof(options.MaxVideoWidth), options.MaxVideoWidth, 1, 65_535);
        Range(nameof(options.MaxVideoHeight), options.MaxVideoHeight, 1, 65_535);
        Range(nameof(options.MaxVideoPayloadBytes), options.MaxVideoPayloadBytes, 1, int.MaxValue);
        Range(nameof(options.MaxAudioPayloadBytes), options.MaxAudioPayloadBytes, 1, int.MaxValue);
        Range(nameof(options.PtsReorderTolerance), (long)options.PtsReorderTolerance.TotalMilliseconds, 0, 3_600_000);
        Range(nameof(options.StatsInterval), (long)options.StatsInterval.TotalMilliseconds, 0, 86_400_000);
        Range(nameof(options.StatsEveryMessages), options.StatsEveryMessages, 0, int.MaxValue);
        Range(nameof(options.MaxWarningsPerStatsInterval), options.MaxWarningsPerStatsInterval, 0, 1_000_000);
        Range(nameof(options.ResponseQueueCapacity), options.ResponseQueueCapacity, 4, 1_000_000);
        Range(nameof(options.DefaultWindowMs), options.DefaultWindowMs, StreamOpenValidator.MinWindowMs, StreamOpenValidator.MaxWindowMs);
        Range(nameof(options.MaxKvTokensPerLayer), options.MaxKvTokensPerLayer, StreamOpenValidator.MinKvTokensPerLayer, 1 << 20);
        Range(nameof(options.DefaultKvTokensPerLayer), options.DefaultKvTokensPerLayer, StreamOpenValidator.MinKvTokensPerLayer, options.MaxKvTokensPerLayer);
        Range(nameof(options.MaxKvBytesPerStream), options.MaxKvBytesPerStream, 1, long.MaxValue);
        Range(nameof(options.DefaultSinkTokens), options.DefaultSinkTokens, 0, options.DefaultKvTokensPerLayer - 1);
        Range(nameof(options.DefaultBlockTokens), options.DefaultBlockTokens, 1, StreamOpenValidator.MaxBlockTokens);
        Range(nameof(options.DefaultPageSize), options.DefaultPageSize, 1, options.MaxPageSize);
        Range(nameof(options.MaxPageSize), options.MaxPageSize, 1, 100_000);
        Range(nameof(options.ResumeGracePeriod), (long)options.ResumeGracePeriod.TotalMilliseconds, 0, 86_400_000);
        Range(nameof(options.MaxDetachedKvBytes), options.MaxDetachedKvBytes, 1, long.MaxValue);
        Range(nameof(options.MaxDetachedAnswers), options.MaxDetachedAnswers, 0, 1_000_000);
        if (options.PtsReorderTolerance < TimeSpan.Zero)
        {
            failures.Add($"{LiveAnalyticsOptions.SectionName}:{nameof(options.PtsReorderTolerance)} must not be negative.");
        }

        if (options.StatsInterval < TimeSpan.Zero || (options.StatsInterval > TimeSpan.Zero && options.StatsInterval < TimeSpan.FromMilliseconds(1)))
        {
            failures.Add($"{LiveAnalyticsOptions.SectionName}:{nameof(options.StatsInterval)} must be zero or at least 1 ms.");
        }

        if (options.StatsInterval == TimeSpan.Zero && options.StatsEveryMessages == 0)
        {
            failures.Add($"{LiveAnalyticsOptions.SectionName}: {nameof(options.StatsInterval)} and {nameof(options.StatsEveryMessages)} are both 0; periodic StreamStats need one of them.");
        }

        if (!(options.MaxPtsGapWindows is >= 1 and <= 1_000_000))
        {
            failures.Add($"{LiveAnalyticsOptions.SectionName}:{nameof(options.MaxPtsGapWindows)} must be in [1, 1000000], got {options.MaxPtsGapWindows}.");
        }

        if (!(options.DefaultFineDropRatio is >= 0f and <= StreamOpenValidator.MaxFineDropRatio))
        {
            failures.Add($"{LiveAnalyticsOptions.SectionName}:{nameof(options.DefaultFineDropRatio)} must be in [0, {StreamOpenValidator.MaxFineDropRatio}], got {options.DefaultFineDropRatio}.");
        }

        if (!(options.DefaultForgettingFactor is > 0f and <= 1f))
        {
            failures.Add($"{LiveAnalyticsOptions.SectionName}:{nameof(options.DefaultForgettingFactor)} must be in (0, 1], got {options.DefaultForgettingFactor}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
