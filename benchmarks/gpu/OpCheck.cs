using System.Text.Json.Nodes;
using FastAV.Live.Models.Loading;
using FastAV.Live.Torch;

namespace FastAV.Live.Gpu.Benchmarks;

/// <summary>
/// The Torch ops the models run, through the shim on a device, against PyTorch's results for the same inputs on the same
/// device (gpu_peer.py goldens: "OP.DTYPE.inN" inputs, "OP.DTYPE.out" the expected output in float32). Tolerances:
/// fp32 1e-4 (absolute + relative), bf16 2e-2 (its 8-bit mantissa; PyTorch and the shim may pick different kernels).
/// </summary>
internal static class OpCheck
{
    // name → the op on its inputs (already on the device). Kept in step with gpu_peer.py's OPS.
    private static readonly Dictionary<string, Func<Tensor[], Tensor>> Ops = new()
    {
        ["matmul"] = x => x[0].Matmul(x[1]),
        ["linear"] = x => Functional.Linear(x[0], x[1], x[2]),
        ["softmax"] = x => x[0].Softmax(-1),
        ["rms_norm"] = x => Functional.RmsNorm(x[0], [x[0].Size(-1)], x[1], 1e-6),
        ["layer_norm"] = x => Functional.LayerNorm(x[0], [x[0].Size(-1)], x[1], x[2], 1e-5),
        ["gelu_tanh"] = x => x[0].Gelu(GeluApproximation.Tanh),
        ["silu"] = x => x[0].Silu(),
        ["sdpa_masked"] = x => Functional.ScaledDotProductAttention(x[0], x[1], x[2], x[3].Gt(0.5)),
        ["sdpa_causal"] = x => Functional.ScaledDotProductAttention(x[0], x[1], x[2], isCausal: true),
        ["index_select"] = x => x[0].IndexSelect(0, x[1].To(DType.Int64)),
        ["embedding"] = x => Functional.Embedding(x[0].To(DType.Int64), x[1]),
        ["rope"] = x =>
        {
            var half = x[0].Size(-1) / 2;
            var rotated = Torch.Torch.Cat([x[0].Narrow(-1, half, half).Neg(), x[0].Narrow(-1, 0, half)], -1);
            return x[0].Mul(x[1]).Add(rotated.Mul(x[2]));
        },
        ["conv2d_patches"] = x => Functional.Conv2d(x[0], x[1], x[2], stride: (14, 14)),
        ["mean_transpose"] = x => x[0].Transpose(0, 1).Contiguous().Mean([0]),
    };

    public static int Run(CheckOptions options)
    {
        using var goldens = SafetensorsFile.Open(options.Inputs);
        var rows = new JsonArray();
        var failed = 0;
        foreach (var (name, op) in Ops)
        {
            foreach (var dtype in new[] { "fp32", "bf16" })
            {
                var key = $"{name}.{dtype}";
                if (goldens.Contains(key + ".skipped"))
                {
                    // PyTorch itself has no kernel for it on this device (Debian's 1.13 lacks some bf16 CPU kernels).
                    rows.Add((JsonNode)new JsonObject { ["op"] = name, ["dtype"] = dtype, ["pass"] = null, ["skipped"] = "PyTorch has no kernel for it on this device" });
                    continue;
                }

                if (!goldens.Contains(key + ".out"))
                {
                    rows.Add((JsonNode)new JsonObject { ["op"] = name, ["dtype"] = dtype, ["pass"] = false, ["error"] = "no golden" });
                    failed++;
                    continue;
                }

                rows.Add((JsonNode)Check(goldens, key, name, dtype, op, options.Device, ref failed));
            }
        }

        var result = new JsonObject
        {
            ["check"] = "ops",
            ["device"] = DeviceName(options.Device),
            ["libtorch"] = Torch.Torch.Version,
            ["passed"] = rows.Count(r => r!["pass"]?.GetValue<bool>() == true),
            ["skipped"] = rows.Count(r => r!["skipped"] is not null),
            ["failed"] = failed,
            ["ops"] = rows,
        };
        File.WriteAllText(options.Output, result.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n");
        Console.WriteLine($"ops on {result["device"]}: {result["passed"]} passed, {failed} failed, {result["skipped"]} skipped");
        return failed == 0 ? 0 : 1;
    }

    internal static string DeviceName(Device device) =>
        device.Type == DeviceType.Cuda ? Cuda.DeviceName(device.Index) : "cpu";

    private static JsonObject Check(SafetensorsFile goldens, string key, string name, string dtype, Func<Tensor[], Tensor> op, Device device, ref int failed)
    {
        var row = new JsonObject { ["op"] = name, ["dtype"] = dtype };
        try
        {
            using var scope = new TensorScope();
            var inputs = new List<Tensor>();
            for (var i = 0; goldens.Contains($"{key}.in{i}"); i++)
            {
                inputs.Add(goldens.Load($"{key}.in{i}").To(device));
            }

            var actual = op([.. inputs]).To(Device.Cpu, DType.Float32).Contiguous().ToArray<float>();
            var expected = goldens.Load(key + ".out").To(DType.Float32).Contiguous().ToArray<float>();
            var tolerance = dtype == "fp32" ? 1e-4 : 2e-2;
            double maxAbs = 0, worst = 0;
            var pass = actual.Length == expected.Length;
            for (var i = 0; pass && i < actual.Length; i++)
            {
                var diff = Math.Abs(actual[i] - expected[i]);
                maxAbs = Math.Max(maxAbs, diff);
                worst = Math.Max(worst, diff / (tolerance * (1 + Math.Abs(expected[i]))));
            }

            pass &= worst <= 1 && actual.All(float.IsFinite);
            row["pass"] = pass;
            row["max_abs_diff"] = maxAbs;
            row["elements"] = actual.Length;
            if (!pass) failed++;
        }
#pragma warning disable CA1031 // every op reports; one failing op must not hide the others
        catch (Exception e)
#pragma warning restore CA1031
        {
            row["pass"] = false;
            row["error"] = e.Message;
            failed++;
        }

        return row;
    }
}
