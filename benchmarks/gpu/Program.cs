// benchmarks/gpu: the C# side of scripts/gpu-check.sh (published self-contained and trimmed; GPU hosts have no .NET).
using FastAV.Live.Gpu.Benchmarks;

if (args.Length == 0 || args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(CheckOptions.Usage);
    return args.Length == 0 ? 2 : 0;
}

CheckOptions options;
try
{
    options = CheckOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine($"gpu-check: {e.Message}\n{CheckOptions.Usage}");
    return 2;
}

if (options.Device.Type == FastAV.Live.Torch.DeviceType.Cuda && !FastAV.Live.Torch.Cuda.IsAvailable)
{
    Console.Error.WriteLine($"gpu-check: --device cuda, but libtorch {FastAV.Live.Torch.Torch.Version} sees no CUDA device (a CPU-only libtorch, or no GPU)");
    return 1;
}

try
{
    return options.Verb == "ops" ? OpCheck.Run(options) : EngineCheck.Run(options);
}
catch (Exception e) when (e is FastAV.Live.Torch.TorchException or InvalidDataException or IOException or ArgumentException or InvalidOperationException)
{
    Console.Error.WriteLine($"gpu-check {options.Verb}: {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
    return 1;
}
