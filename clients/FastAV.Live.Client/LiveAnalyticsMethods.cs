using FastAV.Live.Contracts.V1;
using FastAV.Live.Grpc;

namespace FastAV.Live.Client;

/// <summary>The four methods of fastav.live.v1.LiveAnalytics, built from the generated descriptors (no service codegen).</summary>
public static class LiveAnalyticsMethods
{
    public static readonly Method<StreamRequest, StreamResponse> Stream =
        ProtoMethod.Create<StreamRequest, StreamResponse>(LiveReflection.Descriptor.Services[0], "Stream");

    public static readonly Method<AskRequest, AnswerChunk> Ask =
        ProtoMethod.Create<AskRequest, AnswerChunk>(LiveReflection.Descriptor.Services[0], "Ask");

    public static readonly Method<ListStreamsRequest, ListStreamsResponse> ListStreams =
        ProtoMethod.Create<ListStreamsRequest, ListStreamsResponse>(LiveReflection.Descriptor.Services[0], "ListStreams");

    public static readonly Method<GetStreamRequest, GetStreamResponse> GetStream =
        ProtoMethod.Create<GetStreamRequest, GetStreamResponse>(LiveReflection.Descriptor.Services[0], "GetStream");
}
