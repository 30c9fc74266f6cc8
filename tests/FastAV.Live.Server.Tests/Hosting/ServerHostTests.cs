using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FastAV.Live.Contracts.V1;
using Grpc.Core;
using Grpc.Net.Client;
using FastAV.Live.Server.Hosting;
using FastAV.Live.Server.Services;
using Grpc.Health.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace FastAV.Live.Server.Tests.Hosting;

/// <summary>The real `fastav serve` host, built in-process: listeners from options, TLS, health while draining, bad configuration.</summary>
public sealed class ServerHostTests
{
    [Fact]
    public async Task Serves_health_over_h2c_on_the_configured_address()
    {
        await using var app = ServerHost.Build(["--urls", "http://127.0.0.1:0"]);
        await app.StartAsync();
        using var channel = GrpcChannel.ForAddress(AddressOf(app));
        var response = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest());
        Assert.Equal(ServingStatus.Serving, response.Status);
        await app.StopAsync();
    }

    [Fact]
    public async Task Serves_over_tls_when_a_certificate_is_configured()
    {
        var pfx = Path.Combine(Path.GetTempPath(), $"fastav-test-{Guid.NewGuid():N}.pfx");
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pfx, "pw"));
        try
        {
            await using var app = ServerHost.Build(["--urls", "https://127.0.0.1:0", "--Server:CertificatePath", pfx, "--Server:CertificatePassword", "pw"]);
            await app.StartAsync();
            var thumbprint = certificate.Thumbprint;
            var handler = new SocketsHttpHandler
            {
                SslOptions = { RemoteCertificateValidationCallback = (_, cert, _, _) => cert is X509Certificate2 c && c.Thumbprint == thumbprint },
            };
            using var channel = GrpcChannel.ForAddress(AddressOf(app), new GrpcChannelOptions { HttpHandler = handler });
            Assert.StartsWith("https://", AddressOf(app).ToString(), StringComparison.Ordinal);
            var response = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest());
            Assert.Equal(ServingStatus.Serving, response.Status);
            await app.StopAsync();
        }
        finally
        {
            File.Delete(pfx);
        }
    }

    [Fact]
    public async Task Health_turns_not_serving_while_draining()
    {
        await using var app = ServerHost.Build(["--urls", "http://127.0.0.1:0", "--Server:DrainDelay", "00:00:02"]);
        await app.StartAsync();
        using var channel = GrpcChannel.ForAddress(AddressOf(app));
        using var watch = new Health.HealthClient(channel).Watch(new HealthCheckRequest());
        Assert.True(await watch.ResponseStream.MoveNext());
        Assert.Equal(ServingStatus.Serving, watch.ResponseStream.Current.Status);

        // StopAsync runs the stopping callbacks (and so the drain delay) before it returns: start it elsewhere.
        var stopping = Task.Run(() => app.StopAsync());
        Assert.True(await watch.ResponseStream.MoveNext());
        Assert.Equal(ServingStatus.NotServing, watch.ResponseStream.Current.Status);
        // Still answering during the drain delay, with the new status.
        Assert.Equal(ServingStatus.NotServing, (await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest())).Status);

        // After the drain delay, long-lived calls end with UNAVAILABLE rather than holding shutdown up.
        var ex = await Assert.ThrowsAsync<RpcException>(() => watch.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        Assert.Contains("shutting down", ex.Status.Detail, StringComparison.Ordinal);
        await stopping;
    }

    [Fact]
    public async Task While_draining_questions_are_still_answered_then_streams_end_unavailable_with_a_retry_hint()
    {
        var clip = (await EndToEnd.TinyClips.GetAsync())[0];
        await using var app = ServerHost.Build(["--urls", "http://127.0.0.1:0", "--Server:DrainDelay", "00:00:06"]);
        await app.StartAsync();
        using var channel = GrpcChannel.ForAddress(AddressOf(app));
        using var call = new LiveAnalytics.LiveAnalyticsClient(channel).Stream(new CallOptions(deadline: DateTime.UtcNow.AddSeconds(60)));
        await call.RequestStream.WriteAsync(new StreamRequest { Open = EndToEnd.ClipStream.Open(clip, "porch", PruningPolicy.Fastav, []) });
        foreach (var w in Enumerable.Range(0, 3).SelectMany(w => EndToEnd.ClipStream.Window(clip, w))) await call.RequestStream.WriteAsync(w);
        Assert.True(await call.ResponseStream.MoveNext());
        Assert.True(call.ResponseStream.Current.Accepted.ModelLoaded);

        var stopping = Task.Run(() => app.StopAsync());
        for (var i = 0; i < 250 && (await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest())).Status != ServingStatus.NotServing; i++) await Task.Delay(20);
        Assert.Equal(ServingStatus.NotServing, (await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest())).Status);

        // Draining: the stream is still served, and a question asked now is answered.
        await call.RequestStream.WriteAsync(new StreamRequest { Question = new Question { QuestionId = "late", Text = clip.Questions[0].Text, MaxTokens = 8 } });
        Answer? answer = null;
        var ended = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNext())
            {
                if (call.ResponseStream.Current.Answer is { QuestionId: "late" } a) answer = a;
            }
        });
        Assert.NotNull(answer);
        Assert.False(string.IsNullOrEmpty(answer.Text));
        Assert.Equal(StatusCode.Unavailable, ended.StatusCode);
        Assert.Contains("retry", ended.Status.Detail, StringComparison.Ordinal);
        await stopping;
    }

    [Theory]
    [InlineData("--urls", "ftp://127.0.0.1:1", "not an http:// or https:// URL")]
    [InlineData("--urls", "https://127.0.0.1:0", "needs Server:CertificatePath")]
    [InlineData("--Server:CertificatePath", "/no/such/cert.pfx", "does not exist")]
    [InlineData("--Server:DrainDelay", "-00:00:01", "must not be negative")]
    [InlineData("--Inference:TorchThreads", "-1", "Inference:TorchThreads must be within 0..256")]
    [InlineData("--Inference:BlasThreads", "1000", "Inference:BlasThreads must be within 0..256")]
    public void Bad_configuration_fails_at_start_up_naming_the_setting(string key, string value, string expected)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => ServerHost.Build([key, value]));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    private static Uri AddressOf(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
}
