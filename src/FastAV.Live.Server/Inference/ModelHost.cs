using FastAV.Live.Models.Composition;
using Microsoft.Extensions.Options;
using Contract = FastAV.Live.Contracts.V1;

namespace FastAV.Live.Server.Inference;

/// <summary>
/// The model this server answers with, loaded once at start-up, and the engine loop that runs it. Without a model
/// (Inference:Model = "none", or the embedded model is absent; <see cref="ModelDirectory"/> says where it is looked for) the server runs ingest only and questions get
/// FAILED_PRECONDITION. A model that is configured but does not load stops start-up with the loader's message.
/// </summary>
public sealed partial class ModelHost : IDisposable
{
    public const string None = "none";

    public ModelHost(IOptions<InferenceOptions> options, TimeProvider time, ILogger<ModelHost> logger, Observability.LiveTelemetry? telemetry = null, TestFaultInjection? faults = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options.Value;
        Options.Validate();
        Faults = faults;
        var directory = Resolve(Options.Model);
        if (directory is null)
        {
            LogIngestOnly(logger, Options.Model.Length == 0 ? $"the embedded {ModelDirectory.DefaultRelative} was not found next to the application or above it" : "Inference:Model is \"none\"");
            return;
        }

        ApplyBlasThreads(Options.BlasThreads);
        var model = AvModel.Load(directory);
        try
        {
            Featurizer = new WindowFeaturizer(model);
            Loop = new EngineLoop(model, Options, time, logger, telemetry);
        }
        catch
        {
            model.Dispose();
            throw;
        }

        Model = model;
        Name = StreamPlanner.ModelName(model);
        Domain = new Contract.ModelDomain
        {
            Description = model.Manifest.Domain ?? "",
            FrameWidth = (uint)model.ImageSize,
            FrameHeight = (uint)model.ImageSize,
            AudioSampleRateHz = (uint)model.Manifest.AudioFeatures.SamplingRate,
        };
        LogLoaded(logger, Name, directory);
    }

    public InferenceOptions Options { get; }

    /// <summary>Test-only faults (<see cref="TestFaultInjection"/>); null in every real server.</summary>
    public TestFaultInjection? Faults { get; }

    public AvModel? Model { get; }

    public WindowFeaturizer? Featurizer { get; }

    public EngineLoop? Loop { get; }

    /// <summary>The loaded model's name; empty without one.</summary>
    public string Name { get; } = "";

    /// <summary>What the loaded model knows, for StreamAccepted and StreamInfo; null without one.</summary>
    public Contract.ModelDomain? Domain { get; }

    /// <summary>The model directory to load, or null for none: a configured folder must hold a model; "" finds the embedded one.</summary>
    public static string? Resolve(string configured)
    {
        ArgumentNullException.ThrowIfNull(configured);
        if (string.Equals(configured, None, StringComparison.OrdinalIgnoreCase)) return null;
        if (configured.Length > 0) return ModelDirectory.Resolve(configured);
        try
        {
            return ModelDirectory.Resolve();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>
    /// Sizes OpenBLAS's pool (process-wide): <paramref name="configured"/>, or one per core for 0. A configured count
    /// on a libtorch that does not run on OpenBLAS stops start-up naming the setting; 0 then leaves that BLAS alone.
    /// </summary>
    public static void ApplyBlasThreads(int configured)
    {
        if (!Torch.Torch.IsOpenBlas)
        {
            if (configured == 0) return;
            var library = Torch.Torch.BlasLibrary;
            throw new InvalidOperationException($"{InferenceOptions.SectionName}:{nameof(InferenceOptions.BlasThreads)} = {configured} needs libtorch on OpenBLAS, but its sgemm_ is in {(library.Length == 0 ? "libtorch itself" : library)} (scripts/setup.sh installs and selects libopenblas0-pthread)");
        }

        Torch.Torch.BlasThreadCount = configured == 0 ? Math.Min(Environment.ProcessorCount, 256) : configured;
    }

    public void Dispose()
    {
        Loop?.Dispose();
        Model?.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "model {Name} loaded from {Directory}")]
    private static partial void LogLoaded(ILogger logger, string name, string directory);

    [LoggerMessage(Level = LogLevel.Warning, Message = "no model loaded ({Reason}): the server runs ingest only and questions get FAILED_PRECONDITION")]
    private static partial void LogIngestOnly(ILogger logger, string reason);
}
