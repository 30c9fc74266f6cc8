using System.Buffers;
using System.Globalization;

namespace FastAV.Live.Server.Tests.Hostile;

/// <summary>
/// What the server sent on one stream of a <see cref="RawHttp2Connection"/>: header blocks, body bytes,
/// a reset. <see cref="Completion"/> ends at END_STREAM, RST_STREAM or when the connection goes away.
/// </summary>
public sealed class RawHttp2Stream
{
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly MemoryStream _body = new();
    private readonly Lock _sync = new();

    internal RawHttp2Stream(int id, long sendWindow)
    {
        Id = id;
        SendWindow = sendWindow;
    }

    public int Id { get; }

    /// <summary>The first header block (response headers, or the whole response when trailers-only).</summary>
    public IReadOnlyList<KeyValuePair<string, string>>? Headers { get; private set; }

    /// <summary>The second header block, when the response had a body phase.</summary>
    public IReadOnlyList<KeyValuePair<string, string>>? Trailers { get; private set; }

    /// <summary>True when the first header block carried END_STREAM (gRPC's trailers-only response).</summary>
    public bool HeadersEndedStream { get; private set; }

    public bool EndStreamReceived { get; private set; }

    /// <summary>The code of a RST_STREAM the server sent, if any.</summary>
    public Http2ErrorCode? ResetCode { get; private set; }

    /// <summary>The connection closed (or a GOAWAY excluded this stream) before the stream ended.</summary>
    public bool ConnectionLost { get; private set; }

    /// <summary>Frames of any kind the server sent on this stream.</summary>
    public int FrameCount { get; private set; }

    public Task Completion => _completion.Task;

    internal long SendWindow { get; set; }

    public byte[] Body
    {
        get
        {
            lock (_sync)
            {
                return _body.ToArray();
            }
        }
    }

    public int? HttpStatus => int.TryParse(Header(":status"), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : null;

    /// <summary>grpc-status from the trailers, or from the headers of a trailers-only response.</summary>
    public int? GrpcStatus =>
        int.TryParse(Trailer("grpc-status") ?? (HeadersEndedStream ? Header("grpc-status") : null), NumberStyles.None, CultureInfo.InvariantCulture, out var s)
            ? s : null;

    /// <summary>grpc-message, percent-decoded, from wherever grpc-status came.</summary>
    public string? GrpcMessage
    {
        get
        {
            var raw = Trailers is not null ? Trailer("grpc-message") : Header("grpc-message");
            return raw is null ? null : Uri.UnescapeDataString(raw);
        }
    }

    public string? Header(string name) => Find(Headers, name);

    public string? Trailer(string name) => Find(Trailers, name);

    /// <summary>The gRPC messages in the body (payloads of the length-prefixed frames; compression not undone).</summary>
    public IReadOnlyList<byte[]> ReadMessages()
    {
        // Length-prefixed messages: a flag byte, a 4-byte big-endian length, the payload.
        var body = Body;
        var messages = new List<byte[]>();
        var offset = 0;
        while (body.Length - offset >= 5)
        {
            var length = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(offset + 1));
            if (length < 0 || body.Length - offset - 5 < length)
            {
                break;
            }

            messages.Add(body.AsSpan(offset + 5, length).ToArray());
            offset += 5 + length;
        }

        if (offset != body.Length)
        {
            throw new InvalidDataException($"Stream {Id}: the response body ends inside a message ({body.Length - offset} bytes left).");
        }

        return messages;
    }

    internal void OnHeaders(List<KeyValuePair<string, string>> fields, bool endStream)
    {
        lock (_sync)
        {
            FrameCount++;
            if (Headers is null)
            {
                Headers = fields;
                HeadersEndedStream = endStream;
            }
            else
            {
                Trailers = fields;
            }
        }

        if (endStream)
        {
            EndStreamReceived = true;
            _completion.TrySetResult();
        }
    }

    internal void OnData(ReadOnlySpan<byte> data, bool endStream)
    {
        lock (_sync)
        {
            FrameCount++;
            _body.Write(data);
        }

        if (endStream)
        {
            EndStreamReceived = true;
            _completion.TrySetResult();
        }
    }

    internal void OnReset(Http2ErrorCode code)
    {
        lock (_sync)
        {
            FrameCount++;
            ResetCode = code;
        }

        _completion.TrySetResult();
    }

    internal void OnConnectionLost()
    {
        if (!_completion.Task.IsCompleted)
        {
            ConnectionLost = true;
            _completion.TrySetResult();
        }
    }

    private static string? Find(IReadOnlyList<KeyValuePair<string, string>>? fields, string name) =>
        fields?.FirstOrDefault(f => f.Key == name).Value;
}
