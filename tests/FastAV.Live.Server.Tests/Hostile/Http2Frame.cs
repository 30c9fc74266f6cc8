using System.Buffers.Binary;

namespace FastAV.Live.Server.Tests.Hostile;

/// <summary>
/// One HTTP/2 frame: [length: 24][type: 8][flags: 8][R: 1][stream id: 31] then the payload (RFC 7540 §4.1).
/// </summary>
public readonly record struct Http2Frame(Http2FrameType Type, byte Flags, int StreamId, byte[] Payload)
{
    public const int HeaderSize = 9;

    public const byte EndStream = 0x1;   // DATA, HEADERS
    public const byte Ack = 0x1;         // SETTINGS, PING
    public const byte EndHeaders = 0x4;  // HEADERS, CONTINUATION
    public const byte Padded = 0x8;      // DATA, HEADERS
    public const byte Priority = 0x20;   // HEADERS

    public bool HasFlag(byte flag) => (Flags & flag) != 0;

    /// <summary>The frame's bytes, header and payload.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[HeaderSize + Payload.Length];
        WriteHeader(bytes, Payload.Length, Type, Flags, StreamId);
        Payload.CopyTo(bytes.AsSpan(HeaderSize));
        return bytes;
    }

    /// <summary>Writes a frame header; the length is what the header claims, not necessarily what follows.</summary>
    public static void WriteHeader(Span<byte> destination, int length, Http2FrameType type, byte flags, int streamId)
    {
        destination[0] = (byte)(length >> 16);
        destination[1] = (byte)(length >> 8);
        destination[2] = (byte)length;
        destination[3] = (byte)type;
        destination[4] = flags;
        BinaryPrimitives.WriteInt32BigEndian(destination[5..], streamId & int.MaxValue);
    }

    /// <summary>Splits received bytes into frames; a partial frame at the end is left out.</summary>
    public static List<Http2Frame> ReadAll(ReadOnlySpan<byte> bytes)
    {
        var frames = new List<Http2Frame>();
        while (bytes.Length >= HeaderSize)
        {
            var length = (bytes[0] << 16) | (bytes[1] << 8) | bytes[2];
            if (bytes.Length < HeaderSize + length)
            {
                break;
            }

            var streamId = BinaryPrimitives.ReadInt32BigEndian(bytes[5..]) & int.MaxValue;
            frames.Add(new Http2Frame((Http2FrameType)bytes[3], bytes[4], streamId, bytes.Slice(HeaderSize, length).ToArray()));
            bytes = bytes[(HeaderSize + length)..];
        }

        return frames;
    }

    public static Http2Frame Settings(params (ushort Id, uint Value)[] settings)
    {
        var payload = new byte[settings.Length * 6];
        for (var i = 0; i < settings.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(payload.AsSpan(i * 6), settings[i].Id);
            BinaryPrimitives.WriteUInt32BigEndian(payload.AsSpan(i * 6 + 2), settings[i].Value);
        }

        return new Http2Frame(Http2FrameType.Settings, 0, 0, payload);
    }

    public static Http2Frame WindowUpdate(int streamId, int increment)
    {
        var payload = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(payload, increment);
        return new Http2Frame(Http2FrameType.WindowUpdate, 0, streamId, payload);
    }

    public static Http2Frame RstStream(int streamId, Http2ErrorCode code)
    {
        var payload = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(payload, (uint)code);
        return new Http2Frame(Http2FrameType.RstStream, 0, streamId, payload);
    }
}
