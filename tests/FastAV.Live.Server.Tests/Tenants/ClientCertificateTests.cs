using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using FastAV.Live.Contracts.V1;
using FastAV.Live.Server.Hosting;
using Grpc.Core;
using Grpc.Net.Client;

namespace FastAV.Live.Server.Tests.Tenants;

/// <summary>
/// mTLS on the real server with certificates made for the test: a certificate from the configured CA that the tenants
/// file maps is a credential (its tenant, its roles); one it does not map is UNAUTHENTICATED; one from an unknown CA
/// fails the TLS handshake; RequireCertificate refuses a connection without one, AllowCertificate lets an API key in.
/// The official .NET client and grpcio.
/// </summary>
public sealed class ClientCertificateTests : IDisposable
{
    private readonly TestCertificates _certificates = new();
    private readonly TenantsFileWriter _file = new(TenantsFileWriter.Standard(
        TenantsFileWriter.Tenant("gateway", ["stream", "read"], certificates: ["dns:gw-1.site-a.example"])));

    public void Dispose()
    {
        _certificates.Dispose();
        _file.Dispose();
    }

    [Fact]
    public async Task A_mapped_certificate_is_its_tenant_without_any_key()
    {
        await using var server = await StartAsync("RequireCertificate");
        using var channel = Channel(server, _certificates.SiteACertificatePath, _certificates.SiteAKeyPath);
        var (call, accepted) = await TenantCalls.OpenAsync(channel, [], StreamMessages.Open("gate"));
        Assert.Equal("gate", accepted!.Accepted.StreamId);
        var info = (await new LiveAnalytics.LiveAnalyticsClient(channel).GetStreamAsync(new GetStreamRequest { StreamId = "gate" })).Stream;
        Assert.Equal("gateway", info.Tenant);
        Assert.Equal(StatusCode.OK, (await TenantCalls.FinishAsync(call)).Status.StatusCode);

        // The certificate's tenant has no "ask".
        var ask = await TenantCalls.CallAsync(channel, "Ask", [], "gate");
        Assert.Equal(StatusCode.PermissionDenied, ask.StatusCode);
        Assert.StartsWith("Ask needs role 'ask'; tenant 'gateway' has", ask.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Require_refuses_a_connection_without_a_certificate_even_with_a_key()
    {
        await using var server = await StartAsync("RequireCertificate");
        using var channel = Channel(server, null, null);
        var status = await TenantCalls.CallAsync(channel, "ListStreams", TenantCalls.As("site-a"));
        AssertRefusedByTls(status);
    }

    [Theory]
    [InlineData("RequireCertificate")]
    [InlineData("AllowCertificate")]
    public async Task A_certificate_from_an_unknown_ca_fails_the_handshake(string mode)
    {
        await using var server = await StartAsync(mode);
        using var channel = Channel(server, _certificates.ForeignCertificatePath, _certificates.ForeignKeyPath);
        var status = await TenantCalls.CallAsync(channel, "ListStreams", TenantCalls.As("site-a"));
        AssertRefusedByTls(status);
    }

    [Fact]
    public async Task A_certificate_the_file_does_not_map_is_unauthenticated()
    {
        await using var server = await StartAsync("RequireCertificate");
        using var channel = Channel(server, _certificates.UnmappedCertificatePath, _certificates.UnmappedKeyPath);
        var status = await TenantCalls.CallAsync(channel, "ListStreams", []);
        Assert.Equal(StatusCode.Unauthenticated, status.StatusCode);
        Assert.Equal("authentication: the client certificate (CN=stranger) is not mapped to a tenant", status.Detail);
    }

    [Fact]
    public async Task Allow_takes_a_key_without_a_certificate_and_a_key_decides_over_a_certificate()
    {
        await using var server = await StartAsync("AllowCertificate");
        using var plain = Channel(server, null, null);
        Assert.Equal(StatusCode.Unauthenticated, (await TenantCalls.CallAsync(plain, "ListStreams", [])).StatusCode);
        Assert.Equal(StatusCode.OK, (await TenantCalls.CallAsync(plain, "ListStreams", TenantCalls.As("reader"))).StatusCode);

        using var withCertificate = Channel(server, _certificates.SiteACertificatePath, _certificates.SiteAKeyPath);
        Assert.Equal(StatusCode.OK, (await TenantCalls.CallAsync(withCertificate, "ListStreams", [])).StatusCode);
        var asReader = await TenantCalls.CallAsync(withCertificate, "Stream", TenantCalls.As("reader"));
        Assert.Equal(StatusCode.PermissionDenied, asReader.StatusCode);
        Assert.Contains("tenant 'reader'", asReader.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.Unauthenticated, (await TenantCalls.CallAsync(withCertificate, "ListStreams", TenantCalls.Key("wrong"))).StatusCode);
    }

    [Fact]
    public async Task A_certificate_two_tenants_name_is_refused()
    {
        _file.Write(TenantsFileWriter.File(
            TenantsFileWriter.Tenant("one", ["read"], certificates: ["cn:gw-1.site-a"]),
            TenantsFileWriter.Tenant("two", ["read"], certificates: ["uri:spiffe://fastav/site-a/gw"])));
        await using var server = await StartAsync("RequireCertificate");
        using var channel = Channel(server, _certificates.SiteACertificatePath, _certificates.SiteAKeyPath);
        var status = await TenantCalls.CallAsync(channel, "ListStreams", []);
        Assert.Equal(StatusCode.Unauthenticated, status.StatusCode);
        Assert.Contains("maps to 2 tenants", status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Grpcio_with_and_without_a_client_certificate()
    {
        await using var server = await StartAsync("RequireCertificate");
        var script = new JsonObject { ["calls"] = new JsonArray(new JsonObject { ["method"] = "ListStreams" }, new JsonObject { ["method"] = "Health" }) };
        var mapped = await PythonProbe.RunAsync(server.Target, script, "--ca", _certificates.CaPath, "--cert", _certificates.SiteACertificatePath, "--key", _certificates.SiteAKeyPath);
        Assert.Equal("OK", (string?)mapped["calls"]![0]!["code"]);
        Assert.True((bool)mapped["calls"]![1]!["serving"]!);

        var none = await PythonProbe.RunAsync(server.Target, script, "--ca", _certificates.CaPath, "--token", TenantsFileWriter.KeyOf("site-a"));
        Assert.Equal("UNAVAILABLE", (string?)none["calls"]![0]!["code"]);
        var foreign = await PythonProbe.RunAsync(server.Target, script, "--ca", _certificates.CaPath, "--cert", _certificates.ForeignCertificatePath, "--key", _certificates.ForeignKeyPath);
        Assert.Equal("UNAVAILABLE", (string?)foreign["calls"]![0]!["code"]);
        var unmapped = await PythonProbe.RunAsync(server.Target, script, "--ca", _certificates.CaPath, "--cert", _certificates.UnmappedCertificatePath, "--key", _certificates.UnmappedKeyPath);
        Assert.Equal("UNAUTHENTICATED", (string?)unmapped["calls"]![0]!["code"]);
        Assert.True((bool)unmapped["calls"]![1]!["serving"]!);
    }

    [Theory]
    [InlineData(new[] { "--Server:ClientCertificateMode", "RequireCertificate" }, "needs an https:// address")]
    [InlineData(new[] { "--urls", "https://127.0.0.1:0", "--Server:ClientCertificateMode", "AllowCertificate" }, "needs Server:ClientCertificateCaPath")]
    [InlineData(new[] { "--Server:ClientCertificateMode", "DelayCertificate" }, "must be NoCertificate, AllowCertificate or RequireCertificate")]
    [InlineData(new[] { "--Server:ClientCertificateCaPath", "/nonexistent/ca.pem" }, "Server:ClientCertificateCaPath '/nonexistent/ca.pem' does not exist.")]
    public void Bad_client_certificate_settings_stop_start_up(string[] settings, string expected)
    {
        string[] certificate = ["--Server:CertificatePath", _certificates.ServerCertificatePath, "--Server:CertificateKeyPath", _certificates.ServerKeyPath];
        var ex = Assert.Throws<InvalidOperationException>(() => ServerHost.Build(["--urls", "http://127.0.0.1:0", .. certificate, .. settings]));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_ca_file_without_a_certificate_stops_start_up()
    {
        var empty = Path.Combine(_certificates.Directory, "empty.pem");
        await File.WriteAllTextAsync(empty, "no certificates here\n");
        string[] settings = [.. _certificates.ServerSettings("RequireCertificate")[..^1], empty];
        var ex = Assert.Throws<InvalidOperationException>(() => ServerHost.Build(settings));
        Assert.Contains($"Server:ClientCertificateCaPath '{empty}' holds no PEM certificate.", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// The server refused the TLS handshake, so no call reached it. With TLS 1.3 the client finishes its side of the
    /// handshake before the server checks the client's certificate, so .NET reports the refusal either while connecting
    /// (UNAVAILABLE) or as the connection's end on the first request (INTERNAL), depending on timing.
    /// </summary>
    private static void AssertRefusedByTls(Status status)
    {
        Assert.True(status.StatusCode is StatusCode.Unavailable or StatusCode.Internal, status.ToString());
        Assert.DoesNotContain("authentication", status.Detail, StringComparison.Ordinal);
    }

    private Task<LiveServer> StartAsync(string mode) => LiveServer.StartAsync(null, null, null, [.. _certificates.ServerSettings(mode), "--Auth:ApiKeysFile", _file.Path]);

    /// <summary>The official .NET client over TLS trusting the test CA, with a client certificate when given.</summary>
    private GrpcChannel Channel(LiveServer server, string? certificatePath, string? keyPath)
    {
        using var ca = X509CertificateLoader.LoadCertificateFromFile(_certificates.CaPath);
        var caCopy = X509CertificateLoader.LoadCertificate(ca.RawData);
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
            {
                return false;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(caCopy);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(new X509Certificate2(certificate));
        };
        if (certificatePath is not null)
        {
            using var pem = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
            handler.SslOptions.ClientCertificates = [X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null)];
        }

        return GrpcChannel.ForAddress($"https://localhost:{server.Address.Port}", new GrpcChannelOptions { HttpHandler = handler });
    }
}
