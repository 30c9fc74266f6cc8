using Grpc.Core;
using Grpc.Net.Client;

namespace FastAV.Live.InteropHost;

/// <summary>Runs interop cases with our C# client against any TestService server; prints PASS/FAIL lines.</summary>
public static class InteropClient
{
    /// <summary>Exit code: 0 all passed, 1 some failed, 2 unknown case name.</summary>
    public static async Task<int> RunAsync(string host, int port, string testCase, TextWriter output)
    {
        var names = testCase == "all" ? InteropClientCases.Names.ToArray() : testCase.Split(',', StringSplitOptions.TrimEntries);
        var unknown = names.Where(n => !InteropClientCases.Names.Contains(n)).ToArray();
        if (unknown.Length > 0)
        {
            await output.WriteLineAsync($"unknown test case(s): {string.Join(", ", unknown)}; known: {string.Join(", ", InteropClientCases.Names)}")
                .ConfigureAwait(false);
            return 2;
        }

        using var channel = GrpcChannel.ForAddress($"http://{host}:{port}");
        var cases = new InteropClientCases(channel);
        var failures = 0;
        foreach (var name in names)
        {
            try
            {
                await cases.RunAsync(name).ConfigureAwait(false);
                await output.WriteLineAsync($"PASS {name}").ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is InteropFailure or RpcException or InvalidOperationException or IOException or HttpRequestException)
            {
                failures++;
                await output.WriteLineAsync($"FAIL {name}: {ex.GetType().Name}: {ex.Message}").ConfigureAwait(false);
            }
        }

        return failures == 0 ? 0 : 1;
    }
}
