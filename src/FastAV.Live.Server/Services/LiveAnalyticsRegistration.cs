using FastAV.Live.Server.Hosting;
using FastAV.Live.Server.Inference;
using FastAV.Live.Server.Streams;
using FastAV.Live.Server.Tenants;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FastAV.Live.Server.Services;

/// <summary>
/// Registers what LiveAnalytics needs: its options (section "LiveAnalytics", validated at start-up), the stream
/// registry, the quotas (section "Quotas"), the model host and the drain signal. The host maps the service (<c>MapGrpcService&lt;LiveAnalyticsService&gt;</c>).
/// </summary>
public static class LiveAnalyticsRegistration
{
    public static IServiceCollection AddLiveAnalytics(this IServiceCollection services, IConfiguration configuration, Action<LiveAnalyticsOptions>? configure = null, Action<InferenceOptions>? inference = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = services.AddOptions<LiveAnalyticsOptions>().Bind(configuration.GetSection(LiveAnalyticsOptions.SectionName));
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LiveAnalyticsOptions>, LiveAnalyticsOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<StreamRegistry>();
        services.AddOptions<QuotaOptions>().Bind(configuration.GetSection(QuotaOptions.SectionName)).Validate(o =>
        {
            o.Validate();
            return true;
        });
        services.TryAddSingleton<QuotaBook>();
        services.TryAddSingleton<DetachedStreams>();
        var inferenceOptions = services.AddOptions<InferenceOptions>().Bind(configuration.GetSection(InferenceOptions.SectionName));
        if (inference is not null)
        {
            inferenceOptions.Configure(inference);
        }

        services.TryAddSingleton<ModelHost>();
        services.TryAddSingleton<ServerDrain>();
        return services;
    }

    /// <summary>
    /// Validates the LiveAnalytics options now (after Build, before Run) so a bad setting stops start-up with
    /// an <see cref="InvalidOperationException"/> whose message names every bad key.
    /// </summary>
    public static void ValidateLiveAnalyticsOptions(this IServiceProvider services)
    {
        try
        {
            _ = services.GetRequiredService<IOptions<LiveAnalyticsOptions>>().Value;
            _ = services.GetRequiredService<IOptions<QuotaOptions>>().Value;
            _ = services.GetRequiredService<ModelHost>(); // the model loads at start-up, not on the first call
        }
        catch (OptionsValidationException ex)
        {
            throw new InvalidOperationException(string.Join(" ", ex.Failures), ex);
        }
    }
}
