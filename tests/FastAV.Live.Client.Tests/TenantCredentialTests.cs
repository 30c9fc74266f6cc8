using FastAV.Live.Cli;
using FastAV.Live.Contracts.V1;
using FastAV.Live.Server.Tests.Tenants;
using Grpc.Core;

namespace FastAV.Live.Client.Tests;

/// <summary>
/// Our C# client and fastav-cli carry credentials to a server with a tenants file: an API key (LiveClientOptions.BearerToken,
/// --token, $FASTAV_TOKEN), a client certificate (ClientCertificatePath, --cert/--key), another tenant for an admin (--tenant).
/// </summary>
public sealed class TenantCredentialTests : IDisposable
{
    private readonly TenantsFileWriter _file = new(TenantsFileWriter.Standard(
        TenantsFileWriter.Tenant("gateway", ["stream", "read"], certificates: ["cn:gw-1.site-a"]),
        TenantsFileWriter.Tenant("metered", ["stream", "ask"], new() { ["maxAsksPerSecond"] = 0.01, ["askBurst"] = 1 })));

    private readonly TestCertificates _certificates = new();

    public void Dispose()
    {
        _file.Dispose();
        _certificates.Dispose();
    }

    [Fact]
    public async Task The_client_sends_its_bearer_token_and_is_refused_without_it()
    {
        await using var server = await LoopbackServer.StartAsync("--Auth:ApiKeysFile", _file.Path);
        using var anonymous = server.CreateClient();
        var refused = await Assert.ThrowsAsync<RpcException>(() => anonymous.ListStreamsAsync(new ListStreamsRequest()));
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);

        using var streamer = server.CreateClient(new LiveClientOptions { BearerToken = TenantsFileWriter.KeyOf("site-a") });
        await using (var session = await streamer.OpenStreamAsync(new StreamOpen
        {
            StreamId = "client-cam",
            Video = new VideoFormat { Codec = VideoCodec.RawRgb24, Width = 4, Height = 2, FrameRate = 25 },
        }))
        {
            var listed = await streamer.ListStreamsAsync(new ListStreamsRequest());
            Assert.Equal("site-a", Assert.Single(listed.Streams).Tenant);
            await session.CompleteAsync();
            await foreach (var _ in session.ReadResponsesAsync())
            {
            }
        }

        using var reader = server.CreateClient(new LiveClientOptions { BearerToken = TenantsFileWriter.KeyOf("reader") });
        var denied = await Assert.ThrowsAsync<RpcException>(() => reader.OpenStreamAsync(new StreamOpen { StreamId = "x", Video = new VideoFormat { Codec = VideoCodec.Jpeg } }));
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
    }

    [Fact]
    public async Task The_cli_sends_token_from_the_flag_or_the_environment()
    {
        await using var server = await LoopbackServer.StartAsync("--Auth:ApiKeysFile", _file.Path);
        var none = await CliProcess.RunAsync("ls", "--server", server.Url, "--plain");
        Assert.Equal(16, none.Exit);
        Assert.StartsWith("fastav-cli: UNAUTHENTICATED: authentication: no credentials", none.Stderr, StringComparison.Ordinal);

        var flag = await CliProcess.RunAsync("ls", "--server", server.Url, "--token", TenantsFileWriter.KeyOf("reader"), "--plain");
        Assert.True(flag.Exit == 0, flag.Stderr);

        var denied = await CliProcess.RunAsync("ls", "--server", server.Url, "--token", TenantsFileWriter.KeyOf("streamer"), "--plain");
        Assert.Equal(7, denied.Exit);
        Assert.StartsWith("fastav-cli: PERMISSION_DENIED: ListStreams needs role 'read'", denied.Stderr, StringComparison.Ordinal);

        using var output = new StringWriter();
        using var error = new StringWriter();
        var environment = new Dictionary<string, string> { ["FASTAV_SERVER"] = server.Url, ["FASTAV_TOKEN"] = TenantsFileWriter.KeyOf("reader") };
        var exit = await CliRunner.RunAsync(["ls", "--plain"], output, error, name => environment.GetValueOrDefault(name), interactive: false, CancellationToken.None);
        Assert.True(exit == 0, error.ToString());
        Assert.Equal(server.Authorizations[^1], "Bearer " + TenantsFileWriter.KeyOf("reader"));
    }

    [Fact]
    public async Task The_cli_names_another_tenant_for_an_admin_and_shows_a_quotas_wait()
    {
        await using var server = await LoopbackServer.StartAsync("--Auth:ApiKeysFile", _file.Path);
        using var siteB = server.CreateClient(new LiveClientOptions { BearerToken = TenantsFileWriter.KeyOf("site-b") });
        await using var session = await siteB.OpenStreamAsync(new StreamOpen { StreamId = "b-cam", Video = new VideoFormat { Codec = VideoCodec.Jpeg } });

        var own = await CliProcess.RunAsync("get", "--server", server.Url, "--token", TenantsFileWriter.KeyOf("ops"), "--stream-id", "b-cam", "--plain");
        Assert.Equal(5, own.Exit); // NOT_FOUND: ops has no b-cam of its own
        var named = await CliProcess.RunAsync("get", "--server", server.Url, "--token", TenantsFileWriter.KeyOf("ops"), "--tenant", "site-b", "--stream-id", "b-cam", "--plain");
        Assert.True(named.Exit == 0, named.Stderr);
        Assert.Contains("b-cam", named.Stdout, StringComparison.Ordinal);

        await using var metered = await server.CreateClient(new LiveClientOptions { BearerToken = TenantsFileWriter.KeyOf("metered") })
            .OpenStreamAsync(new StreamOpen { StreamId = "m-cam", Video = new VideoFormat { Codec = VideoCodec.Jpeg } });
        var first = await CliProcess.RunAsync("ask", "--server", server.Url, "--token", TenantsFileWriter.KeyOf("metered"), "--stream-id", "m-cam", "anyone?", "--plain");
        Assert.Equal(9, first.Exit); // FAILED_PRECONDITION: past the quota, no model on this server
        var second = await CliProcess.RunAsync("ask", "--server", server.Url, "--token", TenantsFileWriter.KeyOf("metered"), "--stream-id", "m-cam", "anyone?", "--plain");
        Assert.Equal(8, second.Exit);
        Assert.Matches("^fastav-cli: RESOURCE_EXHAUSTED: AskRequest: quota asks_per_second of tenant 'metered' exceeded: .*; retry after [0-9]+ ms", second.Stderr);
    }

    [Fact]
    public async Task Client_certificates_from_the_library_and_the_cli()
    {
        await using var server = await LoopbackServer.StartAsync(
            "--urls", "https://127.0.0.1:0", "--Server:CertificatePath", _certificates.ServerCertificatePath, "--Server:CertificateKeyPath", _certificates.ServerKeyPath,
            "--Server:ClientCertificateMode", "RequireCertificate", "--Server:ClientCertificateCaPath", _certificates.CaPath, "--Auth:ApiKeysFile", _file.Path);
        var url = $"https://localhost:{server.Address.Port}";
        using var client = LiveAnalyticsClient.Create(url, new LiveClientOptions
        {
            CaCertificatePath = _certificates.CaPath,
            ClientCertificatePath = _certificates.SiteACertificatePath,
            ClientCertificateKeyPath = _certificates.SiteAKeyPath,
        });
        Assert.Empty((await client.ListStreamsAsync(new ListStreamsRequest())).Streams);

        var cli = await CliProcess.RunAsync("ls", "--server", url, "--ca", _certificates.CaPath, "--cert", _certificates.SiteACertificatePath, "--key", _certificates.SiteAKeyPath, "--plain");
        Assert.True(cli.Exit == 0, cli.Stderr);
        var without = await CliProcess.RunAsync("ls", "--server", url, "--ca", _certificates.CaPath, "--token", TenantsFileWriter.KeyOf("reader"), "--plain", "--timeout", "20s");
        Assert.True(without.Exit is 13 or 14, $"exit {without.Exit}: {without.Stderr}"); // the handshake is refused: INTERNAL or UNAVAILABLE
        var keyOnly = await CliProcess.RunAsync("ls", "--server", url, "--key", _certificates.SiteAKeyPath, "--plain");
        Assert.Equal(64, keyOnly.Exit);
        Assert.Contains("--key: belongs to a --cert", keyOnly.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Certificate_options_are_checked()
    {
        Assert.Equal("ClientCertificatePath", Assert.Throws<ArgumentException>(() => new LiveClientOptions { ClientCertificatePath = "/no/cert.pem" }.Validate()).ParamName);
        Assert.Equal("ClientCertificateKeyPath", Assert.Throws<ArgumentException>(() => new LiveClientOptions { ClientCertificateKeyPath = _certificates.SiteAKeyPath }.Validate()).ParamName);
        Assert.Equal("ClientCertificateKeyPath", Assert.Throws<ArgumentException>(() => new LiveClientOptions { ClientCertificatePath = _certificates.SiteACertificatePath, ClientCertificateKeyPath = "/no/key.pem" }.Validate()).ParamName);
        new LiveClientOptions { ClientCertificatePath = _certificates.SiteACertificatePath, ClientCertificateKeyPath = _certificates.SiteAKeyPath }.Validate();
    }
}
