using System.Globalization;
using FastAV.Live.Torch;

namespace FastAV.Live.Gpu.Benchmarks;

/// <summary>The command line of gpu-check: `VERB --device cpu|cuda --dtype fp32|bf16 --geometry NAME --inputs FILE --out FILE`.</summary>
internal sealed record CheckOptions(string Verb, Device Device, DType DType, string Geometry, string Inputs, string Output, int Windows)
{
    public const string Usage = """
        gpu-check ops --device cpu|cuda --inputs GOLDENS.safetensors --out RESULT.json
            every Torch op the models use, in fp32 and bf16, against PyTorch's results on the same device (gpu_peer.py goldens)
        gpu-check engine --device cpu|cuda --dtype fp32|bf16 --geometry qwen2-7b|tiny --inputs INPUTS.safetensors [--windows N] --out RESULT.json
            ModelRunner unpruned vs FastAV (keep 77 of 153 media tokens at K = L/2, P = 20 %) on 154-token windows (camera-scale
            counts) with random weights: prefill ms per window, time to first answer token, decode ms per token, peak device memory
        Every option is required except --windows (default: what INPUTS holds). Exit codes: 0 ok, 1 a check failed, 2 bad command line.
        """;

    public static CheckOptions Parse(string[] args)
    {
        if (args.Length == 0 || args[0] is not ("ops" or "engine"))
        {
            throw new ArgumentException("the first argument is the verb: ops or engine");
        }

        string Value(string name, string? fallback = null)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback ?? throw new ArgumentException($"{name} is required");
        }

        var device = Value("--device") switch
        {
            "cpu" => Device.Cpu,
            "cuda" => new Device(DeviceType.Cuda, 0),
            var d => throw new ArgumentException($"--device {d}: cpu or cuda"),
        };
        var dtype = Value("--dtype", "fp32") switch
        {
            "fp32" => DType.Float32,
            "bf16" => DType.BFloat16,
            var t => throw new ArgumentException($"--dtype {t}: fp32 or bf16"),
        };
        var geometry = args[0] == "engine" ? Value("--geometry") : "";
        if (args[0] == "engine" && geometry is not ("qwen2-7b" or "tiny"))
        {
            throw new ArgumentException($"--geometry {geometry}: qwen2-7b or tiny");
        }

        var windows = int.Parse(Value("--windows", "0"), CultureInfo.InvariantCulture);
        return new CheckOptions(args[0], device, dtype, geometry, Value("--inputs"), Value("--out"), windows);
    }
}
