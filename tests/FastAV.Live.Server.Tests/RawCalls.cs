using FastAV.Live.Contracts.V1;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace FastAV.Live.Server.Tests;

/// <summary>LiveAnalytics methods whose requests are raw bytes: what a client with another (or a broken) encoder sends.</summary>
internal static class RawCalls
{
    private static readonly Marshaller<byte[]> Bytes = new(b => b, b => b);

    private static Method<byte[], TResponse> Method<TResponse>(MethodType type, string name, MessageParser<TResponse> parser)
        where TResponse : class, IMessage<TResponse> =>
        new(type, LiveAnalytics.Descriptor.FullName, name, Bytes, Marshallers.Create(r => r.ToByteArray(), parser.ParseFrom));

    public static AsyncDuplexStreamingCall<byte[], StreamResponse> Stream(GrpcChannel channel, TimeSpan patience, Metadata? headers = null) =>
        channel.CreateCallInvoker().AsyncDuplexStreamingCall(
            Method(MethodType.DuplexStreaming, "Stream", StreamResponse.Parser), null, new CallOptions(headers, DateTime.UtcNow + patience));

    public static AsyncServerStreamingCall<AnswerChunk> Ask(GrpcChannel channel, byte[] request, TimeSpan patience) =>
        channel.CreateCallInvoker().AsyncServerStreamingCall(
            Method(MethodType.ServerStreaming, "Ask", AnswerChunk.Parser), null, new CallOptions(deadline: DateTime.UtcNow + patience), request);

    public static AsyncUnaryCall<GetStreamResponse> GetStream(GrpcChannel channel, byte[] request, TimeSpan patience) =>
        channel.CreateCallInvoker().AsyncUnaryCall(
            Method(MethodType.Unary, "GetStream", GetStreamResponse.Parser), null, new CallOptions(deadline: DateTime.UtcNow + patience), request);

    public static AsyncUnaryCall<ListStreamsResponse> ListStreams(GrpcChannel channel, byte[] request, TimeSpan patience) =>
        channel.CreateCallInvoker().AsyncUnaryCall(
            Method(MethodType.Unary, "ListStreams", ListStreamsResponse.Parser), null, new CallOptions(deadline: DateTime.UtcNow + patience), request);
}
