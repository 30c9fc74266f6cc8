using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;
using Grpc.Testing;

namespace FastAV.Live.Grpc.InteropHost;

/// <summary>The methods of grpc.testing.TestService and grpc.testing.UnimplementedService, from test.proto's descriptors.</summary>
public static class InteropMethods
{
    public static readonly ServiceDescriptor TestServiceDescriptor = TestReflection.Descriptor.FindTypeByName<ServiceDescriptor>("TestService");

    private static readonly ServiceDescriptor TestService = TestServiceDescriptor;
    private static readonly ServiceDescriptor UnimplementedService = TestReflection.Descriptor.FindTypeByName<ServiceDescriptor>("UnimplementedService");

    public static readonly Method<Empty, Empty> EmptyCall = ProtoMethod.Create<Empty, Empty>(TestService, "EmptyCall");

    public static readonly Method<SimpleRequest, SimpleResponse> UnaryCall = ProtoMethod.Create<SimpleRequest, SimpleResponse>(TestService, "UnaryCall");

    public static readonly Method<StreamingOutputCallRequest, StreamingOutputCallResponse> StreamingOutputCall =
        ProtoMethod.Create<StreamingOutputCallRequest, StreamingOutputCallResponse>(TestService, "StreamingOutputCall");

    public static readonly Method<StreamingInputCallRequest, StreamingInputCallResponse> StreamingInputCall =
        ProtoMethod.Create<StreamingInputCallRequest, StreamingInputCallResponse>(TestService, "StreamingInputCall");

    public static readonly Method<StreamingOutputCallRequest, StreamingOutputCallResponse> FullDuplexCall =
        ProtoMethod.Create<StreamingOutputCallRequest, StreamingOutputCallResponse>(TestService, "FullDuplexCall");

    public static readonly Method<StreamingOutputCallRequest, StreamingOutputCallResponse> HalfDuplexCall =
        ProtoMethod.Create<StreamingOutputCallRequest, StreamingOutputCallResponse>(TestService, "HalfDuplexCall");

    /// <summary>Declared by TestService but never served: calls get UNIMPLEMENTED.</summary>
    public static readonly Method<Empty, Empty> UnimplementedCall = ProtoMethod.Create<Empty, Empty>(TestService, "UnimplementedCall");

    /// <summary>A whole service that is never served.</summary>
    public static readonly Method<Empty, Empty> UnimplementedServiceCall = ProtoMethod.Create<Empty, Empty>(UnimplementedService, "UnimplementedCall");
}
