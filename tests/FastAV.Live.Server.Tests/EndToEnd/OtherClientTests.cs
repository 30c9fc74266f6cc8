using System.Text.Json.Nodes;

namespace FastAV.Live.Server.Tests.EndToEnd;

/// <summary>The same clips through the official clients of other languages: grpcio (Python) and grpc-js (Node).</summary>
public sealed class OtherClientTests
{
    [Fact]
    public async Task Grpcio_and_grpc_js_cameras_get_the_pytorch_models_answers_side_by_side()
    {
        var clips = await TinyClips.GetAsync();
        var file = await TinyClips.PathAsync();
        await using var server = await EndToEndServer.StartAsync();
        var python = PythonProbe.RunProcessAsync("/usr/bin/python3", [Path.Combine(PythonProbe.RepoRoot, "clients", "python", "stream_clip.py"), "--target", server.Target, "--clips", file, "--index", "0"], "");
        var node = PythonProbe.RunProcessAsync("node", [Path.Combine(PythonProbe.RepoRoot, "clients", "node", "stream_clip.js"), "--target", server.Target, "--clips", file, "--index", "3", "--policy", "PRUNING_POLICY_NONE"], "");
        foreach (var (run, clip) in new[] { (await python, clips[0]), (await node, clips[3]) })
        {
            Assert.True(run.Exit == 0, run.Stderr);
            var result = JsonNode.Parse(run.Stdout)!;
            Assert.Equal(0, (int)result["status"]!);
            Assert.Equal(clip.Windows, (int)result["windows"]!);
            var answers = result["answers"]!.AsObject();
            Assert.All(clip.Questions, q => Assert.Equal(q.ModelAnswer, (string?)answers[q.Id]));
        }
    }
}
