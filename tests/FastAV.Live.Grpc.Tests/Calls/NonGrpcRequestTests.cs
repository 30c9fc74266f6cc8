using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;

namespace FastAV.Live.Grpc.Tests.Calls;

/// <summary>Requests that are not proper gRPC get the HTTP answers PROTOCOL-HTTP2.md asks for; other paths pass through.</summary>
public sealed class NonGrpcRequestTests : IAsyncLifetime
{
    private LoopbackServer _server = null!;

    public async Task InitializeAsync() => _server = await LoopbackServer.StartAsync(s => s.AddSingleton<IGrpcService>(new EchoService()));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Http11_grpc_request_gets_426_upgrade_required()
    {
        using var client = new HttpClient();
        using var request = GrpcRequest(_server.Http1Address, HttpVersion.Version11, "application/grpc");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.UpgradeRequired, response.StatusCode);
        Assert.Equal("13", response.Headers.GetValues("grpc-status").Single());
    }

    [Theory]
    [InlineData("text/plain", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("application/json", HttpStatusCode.UnsupportedMediaType)]
    public async Task Wrong_content_type_gets_415(string contentType, HttpStatusCode expected)
    {
        using var client = H2cClient();
        using var request = GrpcRequest(_server.Address, HttpVersion.Version20, contentType);
        using var response = await client.SendAsync(request);
        Assert.Equal(expected, response.StatusCode);
        Assert.Contains(contentType, response.Headers.GetValues("grpc-message").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_on_a_grpc_method_gets_405()
    {
        using var client = H2cClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_server.Address, "/fastav.test.Echo/Unary"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("POST", response.Content.Headers.Allow.Single());
    }

    [Fact]
    public async Task Non_grpc_paths_reach_the_rest_of_the_pipeline()
    {
        using var client = new HttpClient();
        Assert.Equal("not grpc", await client.GetStringAsync(new Uri(_server.Http1Address, "/plain")));
    }

    private static HttpClient H2cClient() => new(new SocketsHttpHandler());

    private static HttpRequestMessage GrpcRequest(Uri address, Version version, string contentType)
    {
        var content = new ByteArrayContent([0, 0, 0, 0, 0]);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return new HttpRequestMessage(HttpMethod.Post, new Uri(address, "/fastav.test.Echo/Unary"))
        {
            Version = version,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
    }
}
