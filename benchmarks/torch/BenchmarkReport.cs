using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FastAV.Live.Torch.Benchmarks;

/// <summary>Writes torch-cpu.json (all numbers) and torch-cpu.md (a short table) side by side.</summary>
internal static class BenchmarkReport
{
    public static void Write(string directory, JsonObject machine, Dictionary<string, double> shimTiny, Dictionary<string, double> shimMatmul, JsonObject python)
    {
        Directory.CreateDirectory(directory);
        var pyTiny = python["tiny_ns"]!.AsObject();
        var pyMatmul = python["matmul_gflops"]!.AsObject();
        var tiny = new JsonObject();
        foreach (var (op, ns) in shimTiny)
        {
            var py = pyTiny[op]!.GetValue<double>();
            tiny[op] = new JsonObject { ["shim_ns"] = Math.Round(ns, 1), ["pytorch_ns"] = Math.Round(py, 1), ["shim_over_pytorch"] = Math.Round(ns / py, 3) };
        }

        var matmul = new JsonObject();
        foreach (var (shape, gflops) in shimMatmul)
        {
            var py = pyMatmul[shape]!.GetValue<double>();
            matmul[shape] = new JsonObject { ["shim_gflops"] = Math.Round(gflops, 2), ["pytorch_gflops"] = Math.Round(py, 2), ["shim_over_pytorch"] = Math.Round(gflops / py, 3) };
        }

        var json = new JsonObject
        {
            ["benchmark"] = "benchmarks/torch",
            ["machine"] = machine,
            ["pytorch"] = python["torch"]!.GetValue<string>(),
            ["tiny_ops"] = tiny,
            ["matmul_float32"] = matmul,
        };
        File.WriteAllText(Path.Combine(directory, "torch-cpu.json"), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");

        var md = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        md.AppendLine("# Tensor runtime on CPU: shim vs PyTorch (one run)").AppendLine();
        md.AppendLine(inv, $"Machine: {machine["cpu"]}, {machine["cores"]} cores, {machine["threads"]} intra-op threads; libtorch {machine["libtorch"]} via fastav_torch, PyTorch {python["torch"]} from /usr/bin/python3; {machine["date"]}; best of {machine["rounds"]} alternating rounds (1-min load average at the end: {machine["load_average_1m"]}).").AppendLine();
        md.AppendLine("| tiny op (incl. freeing the result) | shim ns/op | PyTorch ns/op | shim / PyTorch |");
        md.AppendLine("|---|---:|---:|---:|");
        foreach (var (op, row) in tiny)
        {
            md.AppendLine(inv, $"| {op} | {row!["shim_ns"]} | {row["pytorch_ns"]} | {row["shim_over_pytorch"]} |");
        }

        md.AppendLine().AppendLine("| float32 matmul M×K×N | shim GFLOP/s | PyTorch GFLOP/s | shim / PyTorch |");
        md.AppendLine("|---|---:|---:|---:|");
        foreach (var (shape, row) in matmul)
        {
            md.AppendLine(inv, $"| {shape} | {row!["shim_gflops"]} | {row["pytorch_gflops"]} | {row["shim_over_pytorch"]} |");
        }

        File.WriteAllText(Path.Combine(directory, "torch-cpu.md"), md.ToString());
    }
}
