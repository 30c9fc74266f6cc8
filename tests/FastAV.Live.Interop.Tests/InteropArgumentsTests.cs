using FastAV.Live.InteropHost;

namespace FastAV.Live.Interop.Tests;

/// <summary>The InteropHost's command line: the official interop flag names, and clear errors for anything else.</summary>
public sealed class InteropArgumentsTests
{
    [Fact]
    public void Server_mode_takes_a_port()
    {
        var args = InteropArguments.Parse(["--port", "50051"]);
        Assert.False(args.ClientMode);
        Assert.Equal(50051, args.Port);
    }

    [Fact]
    public void Client_mode_takes_the_official_client_flags_in_both_spellings()
    {
        var args = InteropArguments.Parse(["--client", "--server_host=localhost", "--server_port", "8080", "--test_case=large_unary", "--use_tls=false"]);
        Assert.Equal(new InteropArguments(true, 0, "localhost", 8080, "large_unary"), args);
    }

    [Fact]
    public void Client_mode_defaults_to_loopback_and_all_cases()
    {
        Assert.Equal(new InteropArguments(true, 0, "127.0.0.1", 9, "all"), InteropArguments.Parse(["--client", "--server_port=9"]));
    }

    [Theory]
    [InlineData(new string[0], "--port is required")]
    [InlineData(new[] { "--port" }, "--port needs a value")]
    [InlineData(new[] { "--port", "65536" }, "not a port number")]
    [InlineData(new[] { "--port", "-1" }, "not a port number")]
    [InlineData(new[] { "--port", "12ab" }, "not a port number")]
    [InlineData(new[] { "--port", "99999999999999999999" }, "not a port number")]
    [InlineData(new[] { "--client" }, "--server_port is required")]
    [InlineData(new[] { "--port=1", "--use_tls=true" }, "TLS is not supported")]
    [InlineData(new[] { "--port=1", "--bogus=2" }, "Unknown flag --bogus")]
    [InlineData(new[] { "port=1" }, "Unexpected argument 'port=1'")]
    public void Malformed_command_lines_are_rejected_with_a_reason(string[] argv, string reason)
    {
        var ex = Assert.Throws<ArgumentException>(() => InteropArguments.Parse(argv));
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }
}
