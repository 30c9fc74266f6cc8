using FastAV.Live.InteropHost;

namespace FastAV.Live.Interop.Tests;

/// <summary>Our C# client (the InteropHost's client mode) runs every interop case against the grpcio reference server.</summary>
[Collection(InteropCollection.Name)]
public sealed class CSharpClientInteropTests(InteropServers servers)
{
    public static TheoryData<string> Cases() => new(InteropClientCases.Names);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Our_client_passes_against_the_reference_server(string testCase)
    {
        using var output = new StringWriter();
        var exitCode = await InteropClient.RunAsync("127.0.0.1", servers.ReferencePort, testCase, output);

        Assert.True(exitCode == 0, $"C# client, case {testCase}, against grpcio: exit code {exitCode}. Output:\n{output}");
        Assert.Equal($"PASS {testCase}", output.ToString().Trim());
    }

    [Fact]
    public async Task Client_mode_rejects_an_unknown_case_name()
    {
        using var output = new StringWriter();
        var exitCode = await InteropClient.RunAsync("127.0.0.1", servers.ReferencePort, "no_such_case", output);

        Assert.Equal(2, exitCode);
        Assert.Contains("unknown test case(s): no_such_case", output.ToString(), StringComparison.Ordinal);
    }
}
