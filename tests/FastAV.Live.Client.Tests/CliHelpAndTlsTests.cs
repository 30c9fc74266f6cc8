namespace FastAV.Live.Client.Tests;

/// <summary>fastav-cli as a process: every verb's --help (exit 0, every flag with its default), and --ca for a self-signed TLS server.</summary>
public sealed class CliHelpAndTlsTests
{
    [Theory]
    [InlineData("stream", "--standing TEXT", "(default 5s)")]
    [InlineData("ask", "--max-tokens N", "(default 0: the server's default, 64)")]
    [InlineData("ls", "--page-size N", "(default 0: the server's default, 100)")]
    [InlineData("get", "--stream-id ID", "(required)")]
    public async Task Every_verb_answers_help_with_exit_0_its_flags_and_their_defaults(string verb, string flag, string defaultText)
    {
        string[][] lines = [[verb, "--help"], [verb, "-h"], ["help", verb], [verb, "some-source", "--plain", "--help"]];
        foreach (var args in lines)
        {
            var help = await CliProcess.RunAsync(args);
            Assert.True(help.Exit == 0, $"fastav-cli {string.Join(' ', args)}: exit {help.Exit}\n{help.Stderr}");
            Assert.StartsWith($"usage: fastav-cli {verb}", help.Stdout, StringComparison.Ordinal);
            Assert.Contains(flag, help.Stdout, StringComparison.Ordinal);
            Assert.Contains(defaultText, help.Stdout, StringComparison.Ordinal);
            Assert.Contains("--ca FILE", help.Stdout, StringComparison.Ordinal);
            Assert.Contains("(default $FASTAV_SERVER, else http://127.0.0.1:50051)", help.Stdout, StringComparison.Ordinal);
            Assert.Empty(help.Stderr);
        }
    }

    [Fact]
    public async Task The_general_help_lists_the_verbs()
    {
        foreach (var args in new[] { "--help", "-h", "help" })
        {
            var help = await CliProcess.RunAsync(args);
            Assert.Equal(0, help.Exit);
            Assert.Contains("fastav-cli <verb> --help shows the verb's flags and their defaults.", help.Stdout, StringComparison.Ordinal);
            foreach (var verb in new[] { "stream SOURCE", "ask", "ls", "get" })
            {
                Assert.Contains($"\n  {verb} ", help.Stdout.ReplaceLineEndings("\n"), StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task Ca_trusts_a_self_signed_server_and_without_it_the_handshake_fails_with_the_reason()
    {
        using var certificate = new SelfSignedCertificate();
        await using var server = await LoopbackServer.StartAsync(
            "--urls", "https://127.0.0.1:0", "--Server:CertificatePath", certificate.PfxPath, "--Server:CertificatePassword", certificate.Password);

        var trusted = await CliProcess.RunAsync("ls", "--server", server.Url, "--ca", certificate.PemPath, "--plain");
        Assert.True(trusted.Exit == 0, $"exit {trusted.Exit}: {trusted.Stderr}");
        Assert.Empty(trusted.Stderr);

        var untrusted = await CliProcess.RunAsync("ls", "--server", server.Url, "--plain", "--timeout", "20s");
        // Grpc.Net.Client answers a failed TLS handshake INTERNAL (exit 13), with the reason.
        Assert.Equal(13, untrusted.Exit);
        Assert.StartsWith("fastav-cli: INTERNAL:", untrusted.Stderr, StringComparison.Ordinal);
        Assert.Contains("UntrustedRoot", untrusted.Stderr, StringComparison.Ordinal);

        var missing = await CliProcess.RunAsync("ls", "--server", server.Url, "--ca", "/no/such/ca.pem", "--plain");
        Assert.Equal(64, missing.Exit);
        Assert.Contains("CA certificate '/no/such/ca.pem' does not exist", missing.Stderr, StringComparison.Ordinal);
    }
}
