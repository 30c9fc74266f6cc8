using FastAV.Live.Grpc.Reflection;
using Google.Protobuf.Reflection;
using Grpc.Health.V1;
using Grpc.Reflection.V1;
using Microsoft.Extensions.DependencyInjection;

namespace FastAV.Live.Grpc.Tests.Reflection;

public sealed class ReflectionServiceTests : IAsyncLifetime
{
    private LoopbackServer _server = null!;
    private GrpcChannel _channel = null!;

    public async Task InitializeAsync()
    {
        _server = await LoopbackServer.StartAsync(s => s.AddSingleton<IGrpcService>(new ReflectionService([HealthReflection.Descriptor.Services[0]])));
        _channel = _server.CreateChannel();
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _server.DisposeAsync();
    }

    [Theory]
    [InlineData("grpc.reflection.v1.ServerReflection")]
    [InlineData("grpc.reflection.v1alpha.ServerReflection")]
    public async Task Lists_services_and_resolves_symbols_and_files(string serviceName)
    {
        var responses = await AskAsync(
            serviceName,
            new ServerReflectionRequest { ListServices = "" },
            new ServerReflectionRequest { FileContainingSymbol = "grpc.health.v1.Health.Check" },
            new ServerReflectionRequest { FileContainingSymbol = "grpc.health.v1.HealthCheckResponse.ServingStatus" },
            new ServerReflectionRequest { FileByFilename = "grpc/health/v1/health.proto" },
            new ServerReflectionRequest { FileContainingSymbol = "no.such.Symbol" },
            new ServerReflectionRequest { AllExtensionNumbersOfType = "grpc.health.v1.HealthCheckRequest" });

        Assert.Equal(
            ["grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"],
            responses[0].ListServicesResponse.Service.Select(s => s.Name));
        foreach (var response in responses[1..4])
        {
            var file = FileDescriptorProto.Parser.ParseFrom(response.FileDescriptorResponse.FileDescriptorProto[0]);
            Assert.Equal("grpc/health/v1/health.proto", file.Name);
            Assert.Equal("Health", Assert.Single(file.Service).Name);
        }

        Assert.Equal((int)StatusCode.NotFound, responses[4].ErrorResponse.ErrorCode);
        Assert.Equal("grpc.health.v1.HealthCheckRequest", responses[5].AllExtensionNumbersResponse.BaseTypeName);
        Assert.Empty(responses[5].AllExtensionNumbersResponse.ExtensionNumber);
    }

    [Fact]
    public async Task A_file_comes_with_its_dependencies()
    {
        var responses = await AskAsync("grpc.reflection.v1.ServerReflection", new ServerReflectionRequest { FileContainingSymbol = "google.protobuf.Any" });
        Assert.Equal((int)StatusCode.NotFound, responses[0].ErrorResponse.ErrorCode);

        var reflection = await AskAsync(
            "grpc.reflection.v1.ServerReflection", new ServerReflectionRequest { FileContainingSymbol = "grpc.reflection.v1.ServerReflection" });
        var names = reflection[0].FileDescriptorResponse.FileDescriptorProto.Select(b => FileDescriptorProto.Parser.ParseFrom(b).Name).ToList();
        Assert.Equal("grpc/reflection/v1/reflection.proto", names[0]);
        Assert.Equal(names.Count, names.Distinct().Count());
    }

    private async Task<ServerReflectionResponse[]> AskAsync(string serviceName, params ServerReflectionRequest[] requests)
    {
        var method = new Method<ServerReflectionRequest, ServerReflectionResponse>(
            MethodType.DuplexStreaming, serviceName, "ServerReflectionInfo",
            Marshallers.Protobuf(ServerReflectionRequest.Parser), Marshallers.Protobuf(ServerReflectionResponse.Parser));
        using var call = _channel.AsyncDuplexStreamingCall(method, default);
        var responses = new List<ServerReflectionResponse>();
        foreach (var request in requests)
        {
            await call.RequestStream.WriteAsync(request);
            Assert.True(await call.ResponseStream.MoveNext());
            Assert.Equal(request, call.ResponseStream.Current.OriginalRequest);
            responses.Add(call.ResponseStream.Current);
        }

        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext());
        return [.. responses];
    }
}
