using System.Buffers.Binary;
using System.Net.Sockets;

namespace FastAV.Live.Server.Tests.Hostile;

/// <summary>
/// A minimal HTTP/2 client over one TCP connection, for sending what a well-behaved client never would.
/// In frame mode it speaks the preface and SETTINGS, answers SETTINGS and PING, honours the server's
/// flow-control windows when sending DATA and keeps its own receive window open, decodes the server's
/// header blocks with a full HPACK decoder, and routes every frame to its <see cref="RawHttp2Stream"/>.
/// In raw mode (<see cref="ConnectRawAsync"/>) it sends nothing by itself and just collects what comes back.
/// </summary>
public sealed partial class RawHttp2Connection : IAsyncDisposable
{
    private const int DefaultWindow = 65_535;
    private const int MaxWindow = int.MaxValue;
    private const int LocalMaxFrameSize = 16_384;
    private const int LocalHeaderTableSize = 4_096;
    private const ushort SettingsHeaderTableSize = 0x1;
    private const ushort SettingsEnablePush = 0x2;
    private const ushort SettingsInitialWindowSize = 0x4;
    private const ushort SettingsMaxFrameSize = 0x5;

    private readonly Socket _socket;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly HpackDecoder _decoder = new(LocalHeaderTableSize);
    private readonly Dictionary<int, RawHttp2Stream> _streams = [];
    private readonly Lock _sync = new();
    private readonly TaskCompletionSource _serverSettings = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly MemoryStream _rawReceived = new();
    private readonly bool _frameMode;
    private TaskCompletionSource _windowChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _readLoop = Task.CompletedTask;
    private int _nextStreamId = 1;
    private long _connectionSendWindow = DefaultWindow;
    private long _peerInitialWindow = DefaultWindow;
    private int _peerMaxFrameSize = 16_384;
    private long _receivedSinceWindowUpdate;
    private MemoryStream? _pendingHeaderBlock;
    private int _pendingHeaderStreamId;
    private bool _pendingHeaderEndStream;
    private volatile bool _frozen;
    private int _pingsUnanswered;

    private RawHttp2Connection(Socket socket, bool frameMode)
    {
        _socket = socket;
        _frameMode = frameMode;
    }

    /// <summary>The client connection preface (RFC 7540 §3.5).</summary>
    public static ReadOnlySpan<byte> Preface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;

    /// <summary>Ends when the server closes the connection (or it breaks).</summary>
    public Task Closed => _closed.Task;

    public RawHttp2GoAway? GoAway { get; private set; }

    /// <summary>Set when the server sent something this client could not parse as HTTP/2.</summary>
    public string? ProtocolViolation { get; private set; }

    public int SettingsAcksReceived { get; private set; }

    public int PingAcksReceived { get; private set; }

    /// <summary>PINGs the server sent while the connection was frozen (none was answered).</summary>
    public int PingsUnanswered => Volatile.Read(ref _pingsUnanswered);

    /// <summary>
    /// From now on the connection behaves like a client whose process was stopped (SIGSTOP, a hung machine): no frame
    /// it receives is processed or answered (no PING ack, no WINDOW_UPDATE) and it sends nothing; the bytes are still
    /// taken off the socket, as its kernel would, so the server's close is seen.
    /// </summary>
    public void Freeze() => _frozen = true;

    /// <summary>Everything received, in raw mode.</summary>
    public byte[] RawReceived
    {
        get
        {
            lock (_sync)
            {
                return _rawReceived.ToArray();
            }
        }
    }

    /// <summary>Connects, sends the preface and SETTINGS, opens the receive window, and waits for the server's SETTINGS.</summary>
    public static async Task<RawHttp2Connection> ConnectAsync(Uri address, CancellationToken cancellationToken)
    {
        var connection = new RawHttp2Connection(await OpenSocketAsync(address, cancellationToken).ConfigureAwait(false), frameMode: true);
        connection._readLoop = Task.Run(connection.ReadFramesAsync, CancellationToken.None);
        var opening = new List<byte>(Preface.ToArray());
        opening.AddRange(Http2Frame.Settings(
            (SettingsHeaderTableSize, LocalHeaderTableSize), (SettingsEnablePush, 0), (SettingsInitialWindowSize, MaxWindow)).ToBytes());
        opening.AddRange(Http2Frame.WindowUpdate(0, MaxWindow - DefaultWindow).ToBytes());
        await connection.SendRawAsync(opening.ToArray()).ConfigureAwait(false);
        await connection._serverSettings.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    /// <summary>Connects and sends nothing; what the server sends back is collected in <see cref="RawReceived"/>.</summary>
    public static async Task<RawHttp2Connection> ConnectRawAsync(Uri address, CancellationToken cancellationToken)
    {
        var connection = new RawHttp2Connection(await OpenSocketAsync(address, cancellationToken).ConfigureAwait(false), frameMode: false);
        connection._readLoop = Task.Run(connection.ReadRawAsync, CancellationToken.None);
        return connection;
    }

    /// <summary>Opens a stream with one HEADERS frame (END_HEADERS; END_STREAM when asked).</summary>
    public async Task<RawHttp2Stream> StartStreamAsync(IEnumerable<KeyValuePair<string, string>> headers, bool endStream)
    {
        var block = HpackEncoder.Encode(headers);
        if (block.Length > _peerMaxFrameSize)
        {
            throw new ArgumentException($"A header block of {block.Length} bytes needs CONTINUATION frames, which this client does not send.", nameof(headers));
        }

        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            RawHttp2Stream stream;
            lock (_sync)
            {
                stream = new RawHttp2Stream(_nextStreamId, _peerInitialWindow);
                _streams.Add(stream.Id, stream);
                _nextStreamId += 2;
            }

            var flags = (byte)(Http2Frame.EndHeaders | (endStream ? Http2Frame.EndStream : 0));
            await WriteCoreAsync(new Http2Frame(Http2FrameType.Headers, flags, stream.Id, block).ToBytes()).ConfigureAwait(false);
            return stream;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// Opens a stream and sends its HEADERS and DATA frames in one write, so the server sees the whole request
    /// before it can answer. END_STREAM goes on the last DATA frame, or on HEADERS when there are none.
    /// </summary>
    public async Task<RawHttp2Stream> SendRequestAsync(
        IEnumerable<KeyValuePair<string, string>> headers, IReadOnlyList<byte[]> dataFrames, bool endStream, TimeSpan windowWait)
    {
        var block = HpackEncoder.Encode(headers);
        var bodyLength = dataFrames.Sum(f => f.Length);
        if (block.Length > _peerMaxFrameSize || dataFrames.Any(f => f.Length > _peerMaxFrameSize))
        {
            throw new ArgumentException("A frame exceeds the server's SETTINGS_MAX_FRAME_SIZE.", nameof(dataFrames));
        }

        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            RawHttp2Stream stream;
            while (true)
            {
                Task changed;
                lock (_sync)
                {
                    if (_connectionSendWindow >= bodyLength || _closed.Task.IsCompleted)
                    {
                        _connectionSendWindow -= bodyLength;
                        stream = new RawHttp2Stream(_nextStreamId, _peerInitialWindow - bodyLength);
                        _streams.Add(stream.Id, stream);
                        _nextStreamId += 2;
                        break;
                    }

                    changed = _windowChanged.Task;
                }

                await changed.WaitAsync(windowWait).ConfigureAwait(false);
            }

            var bytes = new List<byte>(block.Length + bodyLength + (dataFrames.Count + 1) * Http2Frame.HeaderSize);
            var headersFlags = (byte)(Http2Frame.EndHeaders | (endStream && dataFrames.Count == 0 ? Http2Frame.EndStream : 0));
            bytes.AddRange(new Http2Frame(Http2FrameType.Headers, headersFlags, stream.Id, block).ToBytes());
            for (var i = 0; i < dataFrames.Count; i++)
            {
                var flags = endStream && i == dataFrames.Count - 1 ? Http2Frame.EndStream : (byte)0;
                bytes.AddRange(new Http2Frame(Http2FrameType.Data, flags, stream.Id, dataFrames[i]).ToBytes());
            }

            await WriteCoreAsync(bytes.ToArray()).ConfigureAwait(false);
            return stream;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// Sends DATA on a stream, split into frames of at most <paramref name="maxFrameSize"/> bytes (and the
    /// server's limit), waiting for window when the server's flow control asks for it.
    /// </summary>
    public async Task SendDataAsync(RawHttp2Stream stream, ReadOnlyMemory<byte> data, bool endStream, int maxFrameSize = int.MaxValue)
    {
        var offset = 0;
        do
        {
            var chunk = await ReserveWindowAsync(stream, Math.Min(data.Length - offset, maxFrameSize)).ConfigureAwait(false);
            var last = offset + chunk == data.Length;
            var flags = last && endStream ? Http2Frame.EndStream : (byte)0;
            await SendFrameAsync(new Http2Frame(Http2FrameType.Data, flags, stream.Id, data.Slice(offset, chunk).ToArray())).ConfigureAwait(false);
            offset += chunk;
        }
        while (offset < data.Length);
    }

    public Task SendResetAsync(int streamId, Http2ErrorCode code) => SendFrameAsync(Http2Frame.RstStream(streamId, code));

    public Task SendPingAsync(long opaque)
    {
        var payload = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(payload, opaque);
        return SendFrameAsync(new Http2Frame(Http2FrameType.Ping, 0, 0, payload));
    }

    public Task SendFrameAsync(Http2Frame frame) => SendRawAsync(frame.ToBytes());

    /// <summary>Writes bytes as they are: half frames, garbage, anything.</summary>
    public async Task SendRawAsync(ReadOnlyMemory<byte> bytes)
    {
        if (_frozen)
        {
            return;
        }

        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            await WriteCoreAsync(bytes).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Drops the TCP connection at once (RST, no GOAWAY), whatever is half-sent.</summary>
    public void Abort()
    {
        _socket.LingerState = new LingerOption(true, 0);
        _socket.Close();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // already reset by the peer
        }
        catch (ObjectDisposedException)
        {
            // already aborted
        }

        _socket.Close();
        await _readLoop.ConfigureAwait(false);
        _writeLock.Dispose();
    }

    private static async Task<Socket> OpenSocketAsync(Uri address, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(address.Host, address.Port, cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task WriteCoreAsync(ReadOnlyMemory<byte> bytes)
    {
        var sent = 0;
        while (sent < bytes.Length)
        {
            sent += await _socket.SendAsync(bytes[sent..], SocketFlags.None).ConfigureAwait(false);
        }
    }

    /// <summary>Takes up to <paramref name="wanted"/> bytes of send window (connection and stream); 0 only when 0 was wanted.</summary>
    private async Task<int> ReserveWindowAsync(RawHttp2Stream stream, int wanted)
    {
        while (true)
        {
            Task changed;
            lock (_sync)
            {
                var allowed = (int)Math.Min(Math.Min(wanted, _peerMaxFrameSize), Math.Min(_connectionSendWindow, stream.SendWindow));
                if (allowed > 0 || wanted == 0)
                {
                    _connectionSendWindow -= allowed;
                    stream.SendWindow -= allowed;
                    return allowed;
                }

                if (_closed.Task.IsCompleted || stream.Completion.IsCompleted)
                {
                    throw new IOException($"Stream {stream.Id} can't send: no window left and the stream or connection has ended.");
                }

                changed = _windowChanged.Task;
            }

            await Task.WhenAny(changed, _closed.Task, stream.Completion).ConfigureAwait(false);
        }
    }

    private void SignalWindowChanged()
    {
        _windowChanged.TrySetResult();
        _windowChanged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
