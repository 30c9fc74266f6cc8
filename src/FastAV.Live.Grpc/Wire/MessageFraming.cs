using System.Buffers;
using System.Buffers.Binary;

namespace FastAV.Live.Grpc.Wire;

/// <summary>What <see cref="MessageFraming.TryReadFrame"/> found at the front of a buffer.</summary>
public enum FrameStatus
{
    /// <summary>A whole frame was read.</summary>
    Complete,

    /// <summary>Fewer bytes than one frame: read more and try again.</summary>
    Incomplete,

    /// <summary>The length prefix exceeds the receive limit.</summary>
    TooLarge,

    /// <summary>The compressed-flag byte is neither 0 nor 1.</summary>
    BadFlag,
}

/// <summary>
/// gRPC's length-prefixed messages: [flag: 1 byte][length: 4 bytes big-endian][payload].
/// The one place that knows the frame layout.
/// </summary>
public static class MessageFraming
{
    /// <summary>Reads one frame from the front of <paramref name="buffer"/>, which may end anywhere; advances it past a complete frame.</summary>
    public static FrameStatus TryReadFrame(
        ref ReadOnlySequence<byte> buffer, int maxMessageSize, out bool compressed, out ReadOnlySequence<byte> payload, out long declaredLength)
    {
        compressed = false;
        payload = default;
        declaredLength = 0;
        if (buffer.Length < GrpcProtocol.HeaderSize)
        {
            return FrameStatus.Incomplete;
        }

        Span<byte> header = stackalloc byte[GrpcProtocol.HeaderSize];
        buffer.Slice(0, GrpcProtocol.HeaderSize).CopyTo(header);
        var flag = header[0];
        if (flag > 1)
        {
            return FrameStatus.BadFlag;
        }

        compressed = flag == 1;
        declaredLength = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        if (declaredLength > maxMessageSize)
        {
            return FrameStatus.TooLarge;
        }

        if (buffer.Length < GrpcProtocol.HeaderSize + declaredLength)
        {
            return FrameStatus.Incomplete;
        }

        payload = buffer.Slice(GrpcProtocol.HeaderSize, declaredLength);
        buffer = buffer.Slice(GrpcProtocol.HeaderSize + declaredLength);
        return FrameStatus.Complete;
    }

    /// <summary>Writes the 5-byte prefix of a frame whose payload the caller writes next.</summary>
    public static void WriteHeader(IBufferWriter<byte> writer, int length, bool compressed)
    {
        var header = writer.GetSpan(GrpcProtocol.HeaderSize);
        header[0] = compressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(header[1..], (uint)length);
        writer.Advance(GrpcProtocol.HeaderSize);
    }

    /// <summary>Writes one frame (header + payload) to <paramref name="writer"/>.</summary>
    public static void WriteFrame(IBufferWriter<byte> writer, ReadOnlySpan<byte> payload, bool compressed)
    {
        WriteHeader(writer, payload.Length, compressed);
        // Copied in the writer's own segment sizes: asking for one span of the whole payload would make
        // a pipe allocate a fresh (large-object-heap) buffer for every big message.
        writer.Write(payload);
    }

    /// <summary>One frame as a new array.</summary>
    public static byte[] Frame(ReadOnlySpan<byte> payload, bool compressed)
    {
        var writer = new ArrayBufferWriter<byte>(GrpcProtocol.HeaderSize + payload.Length);
        WriteFrame(writer, payload, compressed);
        return writer.WrittenSpan.ToArray();
    }
}
