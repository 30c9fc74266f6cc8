using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FastAV.Live.Torch.Benchmarks;

/// <summary>Writes torch-cpu.json (all numbers) and torch-cpu.md (the tables) side by side.</summary>
internal static class BenchmarkReport
{
    public sealed record MatmulRow(string Shape, ThreadConfig Config, double ShimGflops, double PytorchGflops);

    public sealed record ReferenceBlas(string Library, Dictionary<string, double> ShimGflops, Dictionary<string, double> PytorchGflops);

    public static void Write(string directory, JsonObject machine, ThreadConfig defaults, Dictionary<string, double> shimTiny, JsonObject pyTiny,
        IReadOnlyList<MatmulRow> matmul, ReferenceBlas? reference, string pytorch)
    {
        Directory.CreateDirectory(directory);
        var tiny = new JsonObject();
        foreach (var (op, ns) in shimTiny)
        {
            var py = pyTiny[op]!.GetValue<double>();
            tiny[op] = new JsonObject { ["shim_ns"] = Math.Round(ns, 1), ["pytorch_ns"] = Math.Round(py, 1), ["shim_over_pytorch"] = Math.Round(ns / py, 3) };
        }

        var products = new JsonObject();
        foreach (var shape in matmul.GroupBy(r => r.Shape))
        {
            var byConfig = new JsonObject();
            foreach (var r in shape)
            {
                byConfig[r.Config.Key] = new JsonObject
                {
                    ["shim_gflops"] = Math.Round(r.ShimGflops, 2),
                    ["pytorch_gflops"] = Math.Round(r.PytorchGflops, 2),
                    ["shim_over_pytorch"] = Math.Round(r.ShimGflops / r.PytorchGflops, 3),
                    ["shim_over_reference_blas"] = reference is null ? null : Math.Round(r.ShimGflops / reference.ShimGflops[r.Shape], 1),
                };
            }

            products[shape.Key] = byConfig;
        }

        var atDefaults = matmul.Where(r => r.Config == defaults).ToDictionary(r => r.Shape);
        var json = new JsonObject
        {
            ["benchmark"] = "benchmarks/torch",
            ["machine"] = machine,
            ["pytorch"] = pytorch,
            ["defaults"] = new JsonObject { ["intra_op_threads"] = defaults.IntraOp, ["blas_threads"] = defaults.Blas },
            ["matmul_1024_shim_gflops_at_defaults"] = atDefaults.TryGetValue("1024x1024x1024", out var d) ? Math.Round(d.ShimGflops, 2) : null,
            ["tiny_ops"] = tiny,
            ["matmul_float32"] = products,
            ["reference_blas"] = reference is null ? null : new JsonObject
            {
                ["library"] = reference.Library,
                ["threads"] = "1 intra-op (the reference BLAS has none of its own)",
                ["shim_gflops"] = Rounded(reference.ShimGflops),
                ["pytorch_gflops"] = Rounded(reference.PytorchGflops),
            },
        };
        File.WriteAllText(Path.Combine(directory, "torch-cpu.json"), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");

        var md = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        md.AppendLine("# Tensor runtime on CPU: shim vs PyTorch on the same BLAS (one run)").AppendLine();
        md.AppendLine(inv, $"Machine: {machine["cpu"]}, {machine["cores"]} cores; libtorch {machine["libtorch"]} via fastav_torch, PyTorch {pytorch} from /usr/bin/python3, both on {machine["blas_config"]} ({machine["blas_library"]}); {machine["date"]}; best of {machine["rounds"]} alternating rounds; {machine["shared"]} (1-min load average at the end: {machine["load_average_1m"]}).").AppendLine();
        md.AppendLine("Threads: T intra-op (libtorch's OpenMP pool: element-wise ops) × B OpenBLAS (its own pthreads: the products). A single product runs on OpenBLAS's threads only; both pools at 2 on 2 cores oversubscribe them. The server's defaults are marked *.").AppendLine();
        md.AppendLine("| float32 matmul M×K×N | threads T × B | shim GFLOP/s | PyTorch GFLOP/s | shim / PyTorch | shim ÷ shim on the reference BLAS |");
        md.AppendLine("|---|---|---:|---:|---:|---:|");
        foreach (var r in matmul)
        {
            var mark = r.Config == defaults ? " *" : "";
            var speedup = reference is null ? "—" : (r.ShimGflops / reference.ShimGflops[r.Shape]).ToString("F1", inv) + "×";
            md.AppendLine(inv, $"| {r.Shape} | {r.Config.IntraOp} × {r.Config.Blas}{mark} | {r.ShimGflops:F1} | {r.PytorchGflops:F1} | {r.ShimGflops / r.PytorchGflops:F3} | {speedup} |");
        }

        if (reference is not null)
        {
            md.AppendLine().AppendLine(inv, $"Reference BLAS ({reference.Library}, what libtorch ran on before scripts/setup.sh selected OpenBLAS; measured in this run by child processes with LD_LIBRARY_PATH on it):").AppendLine();
            md.AppendLine("| float32 matmul M×K×N | shim GFLOP/s | PyTorch GFLOP/s |");
            md.AppendLine("|---|---:|---:|");
            foreach (var (shape, gflops) in reference.ShimGflops)
            {
                md.AppendLine(inv, $"| {shape} | {gflops:F2} | {reference.PytorchGflops[shape]:F2} |");
            }
        }

        md.AppendLine().AppendLine(inv, $"Tiny ops at the defaults ({defaults}):").AppendLine();
        md.AppendLine("| tiny op (incl. freeing the result) | shim ns/op | PyTorch ns/op | shim / PyTorch |");
        md.AppendLine("|---|---:|---:|---:|");
        foreach (var (op, row) in tiny)
        {
            md.AppendLine(inv, $"| {op} | {row!["shim_ns"]} | {row["pytorch_ns"]} | {row["shim_over_pytorch"]} |");
        }

        File.WriteAllText(Path.Combine(directory, "torch-cpu.md"), md.ToString());
    }

    private static JsonObject Rounded(Dictionary<string, double> values)
    {
        var o = new JsonObject();
        foreach (var (k, v) in values) o[k] = Math.Round(v, 2);
        return o;
    }
}
