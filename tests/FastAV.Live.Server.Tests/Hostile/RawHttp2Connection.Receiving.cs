using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace FastAV.Live.Server.Tests.Hostile;

/// <summary>The receiving half: the read loop, and what each frame from the server does to the connection and its streams.</summary>
public sealed partial class RawHttp2Connection
{
    private async Task ReadRawAsync()
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await _socket.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false)) > 0)
            {
                lock (_sync)
                {
                    _rawReceived.Write(buffer, 0, read);
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // reset by the peer, or aborted by us: the connection is over either way
        }
        finally
        {
            _closed.TrySetResult();
        }
    }

    private async Task ReadFramesAsync()
    {
        var header = new byte[Http2Frame.HeaderSize];
        try
        {
            while (await ReadExactAsync(header).ConfigureAwait(false))
            {
                var length = (header[0] << 16) | (header[1] << 8) | header[2];
                var streamId = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(5)) & int.MaxValue;
                if (length > LocalMaxFrameSize)
                {
                    ProtocolViolation = $"Frame of {length} bytes exceeds SETTINGS_MAX_FRAME_SIZE {LocalMaxFrameSize}.";
                    break;
                }

                var payload = new byte[length];
                if (!await ReadExactAsync(payload).ConfigureAwait(false))
                {
                    break;
                }

                if (_frozen)
                {
                    // A stopped process: its kernel still takes the bytes, nothing reads or answers them.
                    if ((Http2FrameType)header[3] == Http2FrameType.Ping && (header[4] & Http2Frame.Ack) == 0)
                    {
                        Interlocked.Increment(ref _pingsUnanswered);
                    }

                    continue;
                }

                Dispatch(new Http2Frame((Http2FrameType)header[3], header[4], streamId, payload));
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // reset by the peer, or aborted by us
        }
        catch (InvalidDataException ex)
        {
            ProtocolViolation = ex.Message;
        }
        finally
        {
            MarkClosed();
        }
    }

    private async Task<bool> ReadExactAsync(Memory<byte> buffer)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await _socket.ReceiveAsync(buffer[filled..], SocketFlags.None).ConfigureAwait(false);
            if (read == 0)
            {
                return false;
            }

            filled += read;
        }

        return true;
    }

    private void Dispatch(Http2Frame frame)
    {
        if (_pendingHeaderBlock is not null && frame.Type != Http2FrameType.Continuation)
        {
            throw new InvalidDataException($"Expected CONTINUATION on stream {_pendingHeaderStreamId}, got {frame.Type}.");
        }

        switch (frame.Type)
        {
            case Http2FrameType.Settings:
                OnSettings(frame);
                break;
            case Http2FrameType.Ping:
                if (frame.HasFlag(Http2Frame.Ack))
                {
                    PingAcksReceived++;
                }
                else
                {
                    SendInBackground(new Http2Frame(Http2FrameType.Ping, Http2Frame.Ack, 0, frame.Payload));
                }

                break;
            case Http2FrameType.WindowUpdate:
                OnWindowUpdate(frame);
                break;
            case Http2FrameType.Headers:
                OnHeaders(frame);
                break;
            case Http2FrameType.Continuation:
                OnContinuation(frame);
                break;
            case Http2FrameType.Data:
                OnData(frame);
                break;
            case Http2FrameType.RstStream:
                FindStream(frame.StreamId)?.OnReset((Http2ErrorCode)BinaryPrimitives.ReadUInt32BigEndian(frame.Payload));
                break;
            case Http2FrameType.GoAway:
                OnGoAway(frame);
                break;
            case Http2FrameType.PushPromise:
                throw new InvalidDataException("PUSH_PROMISE received although SETTINGS_ENABLE_PUSH is 0.");
            default:
                break; // PRIORITY and unknown types are ignored (RFC 7540 §4.1, §5.5)
        }
    }

    private void OnSettings(Http2Frame frame)
    {
        if (frame.HasFlag(Http2Frame.Ack))
        {
            SettingsAcksReceived++;
            return;
        }

        lock (_sync)
        {
            for (var i = 0; i + 6 <= frame.Payload.Length; i += 6)
            {
                var id = BinaryPrimitives.ReadUInt16BigEndian(frame.Payload.AsSpan(i));
                var value = BinaryPrimitives.ReadUInt32BigEndian(frame.Payload.AsSpan(i + 2));
                if (id == SettingsInitialWindowSize)
                {
                    // A new initial window shifts every open stream's window by the difference (RFC 7540 §6.9.2).
                    var delta = value - _peerInitialWindow;
                    _peerInitialWindow = value;
                    foreach (var stream in _streams.Values)
                    {
                        stream.SendWindow += delta;
                    }
                }
                else if (id == SettingsMaxFrameSize)
                {
                    _peerMaxFrameSize = (int)value;
                }
            }

            SignalWindowChanged();
        }

        SendInBackground(new Http2Frame(Http2FrameType.Settings, Http2Frame.Ack, 0, []));
        _serverSettings.TrySetResult();
    }

    private void OnWindowUpdate(Http2Frame frame)
    {
        var increment = BinaryPrimitives.ReadInt32BigEndian(frame.Payload) & int.MaxValue;
        lock (_sync)
        {
            if (frame.StreamId == 0)
            {
                _connectionSendWindow += increment;
            }
            else if (_streams.TryGetValue(frame.StreamId, out var stream))
            {
                stream.SendWindow += increment;
            }

            SignalWindowChanged();
        }
    }

    private void OnHeaders(Http2Frame frame)
    {
        var payload = frame.Payload.AsSpan();
        var padding = 0;
        if (frame.HasFlag(Http2Frame.Padded))
        {
            padding = payload[0];
            payload = payload[1..];
        }

        if (frame.HasFlag(Http2Frame.Priority))
        {
            payload = payload[5..]; // stream dependency (4) + weight (1)
        }

        var fragment = payload[..^padding];
        var endStream = frame.HasFlag(Http2Frame.EndStream);
        if (frame.HasFlag(Http2Frame.EndHeaders))
        {
            DeliverHeaderBlock(frame.StreamId, fragment, endStream);
            return;
        }

        _pendingHeaderBlock = new MemoryStream();
        _pendingHeaderBlock.Write(fragment);
        _pendingHeaderStreamId = frame.StreamId;
        _pendingHeaderEndStream = endStream;
    }

    private void OnContinuation(Http2Frame frame)
    {
        if (_pendingHeaderBlock is null || frame.StreamId != _pendingHeaderStreamId)
        {
            throw new InvalidDataException($"Unexpected CONTINUATION on stream {frame.StreamId}.");
        }

        _pendingHeaderBlock.Write(frame.Payload);
        if (frame.HasFlag(Http2Frame.EndHeaders))
        {
            var block = _pendingHeaderBlock.ToArray();
            _pendingHeaderBlock = null;
            DeliverHeaderBlock(_pendingHeaderStreamId, block, _pendingHeaderEndStream);
        }
    }

    /// <summary>Decodes every block, even of unknown streams, so the dynamic table stays in step with the server's.</summary>
    private void DeliverHeaderBlock(int streamId, ReadOnlySpan<byte> block, bool endStream)
    {
        var fields = _decoder.Decode(block);
        FindStream(streamId)?.OnHeaders(fields, endStream);
    }

    private void OnData(Http2Frame frame)
    {
        var payload = frame.Payload.AsSpan();
        if (frame.HasFlag(Http2Frame.Padded))
        {
            var padding = payload[0];
            payload = payload[1..^padding];
        }

        FindStream(frame.StreamId)?.OnData(payload, frame.HasFlag(Http2Frame.EndStream));

        // Padding counts against flow control too. The receive windows start near 2^31; give the connection's back before it runs low.
        _receivedSinceWindowUpdate += frame.Payload.Length;
        if (_receivedSinceWindowUpdate > MaxWindow / 2)
        {
            SendInBackground(Http2Frame.WindowUpdate(0, (int)_receivedSinceWindowUpdate));
            _receivedSinceWindowUpdate = 0;
        }
    }

    private void OnGoAway(Http2Frame frame)
    {
        var lastStreamId = BinaryPrimitives.ReadInt32BigEndian(frame.Payload) & int.MaxValue;
        var code = (Http2ErrorCode)BinaryPrimitives.ReadUInt32BigEndian(frame.Payload.AsSpan(4));
        GoAway = new RawHttp2GoAway(lastStreamId, code, Encoding.UTF8.GetString(frame.Payload.AsSpan(8)));
        List<RawHttp2Stream> lost;
        lock (_sync)
        {
            lost = [.. _streams.Values.Where(s => s.Id > lastStreamId)];
        }

        foreach (var stream in lost)
        {
            stream.OnConnectionLost();
        }
    }

    private RawHttp2Stream? FindStream(int streamId)
    {
        lock (_sync)
        {
            return _streams.GetValueOrDefault(streamId);
        }
    }

    private void SendInBackground(Http2Frame frame) => _ = SendQuietlyAsync(frame);

    private async Task SendQuietlyAsync(Http2Frame frame)
    {
        try
        {
            await SendFrameAsync(frame).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or IOException)
        {
            // the connection is going away; its end is reported by Closed
        }
    }

    private void MarkClosed()
    {
        List<RawHttp2Stream> open;
        lock (_sync)
        {
            open = [.. _streams.Values];
            SignalWindowChanged();
        }

        foreach (var stream in open)
        {
            stream.OnConnectionLost();
        }

        _serverSettings.TrySetException(new IOException("The connection closed before the server's SETTINGS arrived."));
        _closed.TrySetResult();
    }
}
