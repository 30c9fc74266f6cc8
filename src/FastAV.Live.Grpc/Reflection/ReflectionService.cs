using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Reflection.V1;

namespace FastAV.Live.Grpc.Reflection;

/// <summary>
/// gRPC server reflection, both grpc.reflection.v1 and v1alpha (the two are wire-identical, so one
/// implementation over the v1 messages serves both names). Answers list_services, file_by_filename,
/// file_containing_symbol, file_containing_extension and all_extension_numbers_of_type from the
/// protobuf descriptors of the services the server hosts; a file comes with its transitive dependencies.
/// </summary>
public sealed class ReflectionService : IGrpcService
{
    private const string V1Service = "grpc.reflection.v1.ServerReflection";
    private const string V1AlphaService = "grpc.reflection.v1alpha.ServerReflection";

    private readonly ReflectionIndex _index;

    /// <param name="services">Descriptors of the served services (the reflection services are added).</param>
    public ReflectionService(IEnumerable<ServiceDescriptor> services)
    {
        var all = services.ToList();
        all.Add(ReflectionReflection.Descriptor.Services[0]);
        all.Add(global::Grpc.Reflection.V1Alpha.ReflectionReflection.Descriptor.Services[0]);
        _index = new ReflectionIndex(all);
    }

    public ServerServiceDefinition BindService()
    {
        var marshallerIn = Marshallers.Protobuf(ServerReflectionRequest.Parser);
        var marshallerOut = Marshallers.Protobuf(ServerReflectionResponse.Parser);
        return ServerServiceDefinition.CreateBuilder()
            .AddMethod(new Method<ServerReflectionRequest, ServerReflectionResponse>(
                MethodType.DuplexStreaming, V1Service, "ServerReflectionInfo", marshallerIn, marshallerOut), InfoAsync)
            .AddMethod(new Method<ServerReflectionRequest, ServerReflectionResponse>(
                MethodType.DuplexStreaming, V1AlphaService, "ServerReflectionInfo", marshallerIn, marshallerOut), InfoAsync)
            .Build();
    }

    private async Task InfoAsync(
        IAsyncStreamReader<ServerReflectionRequest> requests, IServerStreamWriter<ServerReflectionResponse> responses, ServerCallContext context)
    {
        while (await requests.MoveNext(context.CancellationToken))
        {
            await responses.WriteAsync(Answer(requests.Current), context.CancellationToken);
        }
    }

    private ServerReflectionResponse Answer(ServerReflectionRequest request)
    {
        var response = new ServerReflectionResponse { ValidHost = request.Host, OriginalRequest = request };
        switch (request.MessageRequestCase)
        {
            case ServerReflectionRequest.MessageRequestOneofCase.ListServices:
                var list = new ListServiceResponse();
                list.Service.AddRange(_index.ServiceNames.Select(n => new ServiceResponse { Name = n }));
                response.ListServicesResponse = list;
                break;
            case ServerReflectionRequest.MessageRequestOneofCase.FileByFilename:
                SetFile(response, _index.FindFile(request.FileByFilename), $"File not found: {request.FileByFilename}");
                break;
            case ServerReflectionRequest.MessageRequestOneofCase.FileContainingSymbol:
                SetFile(response, _index.FindFileContainingSymbol(request.FileContainingSymbol), $"Symbol not found: {request.FileContainingSymbol}");
                break;
            case ServerReflectionRequest.MessageRequestOneofCase.FileContainingExtension:
                // proto3 services here declare no extensions.
                SetError(response, StatusCode.NotFound,
                    $"Extension not found: {request.FileContainingExtension.ContainingType} #{request.FileContainingExtension.ExtensionNumber}");
                break;
            case ServerReflectionRequest.MessageRequestOneofCase.AllExtensionNumbersOfType:
                if (_index.FindMessage(request.AllExtensionNumbersOfType) is null)
                {
                    SetError(response, StatusCode.NotFound, $"Type not found: {request.AllExtensionNumbersOfType}");
                }
                else
                {
                    response.AllExtensionNumbersResponse = new ExtensionNumberResponse { BaseTypeName = request.AllExtensionNumbersOfType };
                }

                break;
            default:
                SetError(response, StatusCode.InvalidArgument, "The request names no reflection query.");
                break;
        }

        return response;
    }

    private void SetFile(ServerReflectionResponse response, FileDescriptor? file, string notFound)
    {
        if (file is null)
        {
            SetError(response, StatusCode.NotFound, notFound);
            return;
        }

        var files = new FileDescriptorResponse();
        files.FileDescriptorProto.AddRange(_index.WithDependencies(file).Select(f => f.SerializedData));
        response.FileDescriptorResponse = files;
    }

    private static void SetError(ServerReflectionResponse response, StatusCode code, string message) =>
        response.ErrorResponse = new ErrorResponse { ErrorCode = (int)code, ErrorMessage = message };
}
