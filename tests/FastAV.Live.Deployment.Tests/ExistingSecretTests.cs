using FastAV.Live.Deployment.Tests.Chart;

namespace FastAV.Live.Deployment.Tests;

/// <summary>TLS, client CA and API keys from secrets the operator already has: referenced, never rendered.</summary>
public sealed class ExistingSecretTests
{
    const string ExistingTls = """
        tls:
          enabled: true
          existingSecret: edge-cert
          clientCertificateMode: AllowCertificate
          clientCa:
            existingSecret: {name: partner-cas, key: bundle.pem}
        auth:
          apiKeys:
            enabled: true
            existingSecret: {name: fastav-keys, key: keys.txt}
        tests:
          tlsCaKey: ca.crt
        """;

    [Fact]
    public async Task Existing_secrets_are_mounted_by_name_and_key_and_no_secret_is_rendered()
    {
        var chart = await RenderedChart.RenderAsync(ExistingTls);

        Assert.False(chart.Has("Secret"));
        Assert.Equal("edge-cert", (string?)chart.Volume("tls")!["secret"]!["secretName"]);
        Assert.Equal("partner-cas", (string?)chart.Volume("client-ca")!["secret"]!["secretName"]);
        Assert.Equal("bundle.pem", (string?)chart.Volume("client-ca")!["secret"]!["items"]![0]!["key"]);
        Assert.Equal("fastav-keys", (string?)chart.Volume("api-keys")!["secret"]!["secretName"]);
        Assert.Equal("keys.txt", (string?)chart.Volume("api-keys")!["secret"]!["items"]![0]!["key"]);

        Assert.Equal("/etc/fastav/client-ca/bundle.pem", chart.Env["FASTAV_Server__ClientCertificateCaPath"]);
        Assert.Equal("AllowCertificate", chart.Env["FASTAV_Server__ClientCertificateMode"]);
        Assert.Equal("/etc/fastav/auth/keys.txt", chart.Env["FASTAV_Auth__ApiKeysFile"]);
        Assert.Equal("/etc/fastav/tls/tls.crt", chart.Env["FASTAV_Server__CertificatePath"]);

        // Secrets the chart does not own leave no checksum to roll pods on.
        var annotations = chart.Workload["spec"]!["template"]!["metadata"]!["annotations"]!.AsObject();
        Assert.DoesNotContain(annotations, a => a.Key.StartsWith("checksum/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Helm_test_verifies_the_server_with_the_ca_in_the_tls_secret_when_asked()
    {
        var chart = await RenderedChart.RenderAsync(ExistingTls);
        var pod = chart.Single("Pod")["spec"]!;

        var args = pod["containers"]![0]!["args"]!.AsArray().Select(a => (string)a!).ToList();
        Assert.Contains("-tls", args);
        Assert.Contains("-tls-ca-cert=/etc/fastav/tls/ca.crt", args);
        Assert.Contains("-tls-server-name=cam-fastav-live.media.svc", args);
        Assert.DoesNotContain("-tls-no-verify", args);
        Assert.Equal("edge-cert", (string?)pod["volumes"]![0]!["secret"]!["secretName"]);
    }

    [Fact]
    public async Task Without_client_certificates_no_ca_is_mounted()
    {
        var chart = await RenderedChart.RenderAsync("tls: {enabled: true, existingSecret: edge-cert}");

        Assert.Null(chart.Volume("client-ca"));
        Assert.Equal("NoCertificate", chart.Env["FASTAV_Server__ClientCertificateMode"]);
        Assert.DoesNotContain("FASTAV_Server__ClientCertificateCaPath", chart.Env.Keys);
        var args = chart.Single("Pod")["spec"]!["containers"]![0]!["args"]!.AsArray().Select(a => (string)a!).ToList();
        Assert.Contains("-tls-no-verify", args);
    }

    [Theory]
    [InlineData("tls: {enabled: true}", "tls.enabled needs tls.existingSecret")]
    [InlineData("tls: {enabled: true, certificate: x}", "tls.enabled needs tls.existingSecret, or both tls.certificate and tls.key")]
    [InlineData("tls: {enabled: true, existingSecret: a, certificate: PEM, key: KEY}", "set tls.existingSecret or the literal")]
    [InlineData("tls: {enabled: true, existingSecret: a, clientCertificateMode: AllowCertificate}", "tls.clientCa")]
    [InlineData("tls: {enabled: true, existingSecret: a, clientCertificateMode: AllowCertificate, clientCa: {certificate: x, existingSecret: {name: b}}}", "tls.clientCa: set")]
    [InlineData("tls: {clientCertificateMode: RequireCertificate}", "tls.clientCertificateMode: client certificates need tls.enabled")]
    [InlineData("tls: {enabled: true, existingSecret: a, clientCertificateMode: RequireCertificate, clientCa: {certificate: x}}", "tests.clientCertificateSecret")]
    [InlineData("auth: {apiKeys: {enabled: true}}", "auth.apiKeys.enabled needs auth.apiKeys.existingSecret.name or auth.apiKeys.tenants")]
    [InlineData("auth: {apiKeys: {enabled: true, tenants: [{name: a, roles: [read]}], existingSecret: {name: s}}}", "auth.apiKeys: set")]
    [InlineData("auth: {apiKeys: {enabled: true, tenants: [{name: a, roles: [read]}, {name: a, roles: [ask]}]}}", "auth.apiKeys.tenants[1].name: a is defined twice")]
    public async Task Incomplete_or_doubled_secret_values_are_refused_naming_the_field(string values, string message)
    {
        var run = await RenderedChart.TemplateAsync(values);

        Assert.False(run.Succeeded, run.ToString());
        Assert.Contains(message, run.StandardError);
        Assert.Equal("", run.StandardOutput);
    }
}
