using System.Diagnostics;
using System.Runtime.CompilerServices;
using FastAV.Live.Media.Native;

namespace FastAV.Live.Media;

/// <summary>
/// Client-side reader of a file or URL (mp4, mkv, ts, rtsp, …) through libavformat, yielding this
/// project's packet records in the contract's wire shapes (H.264/HEVC as Annex B, AAC as ADTS), in
/// file order, paced in real time or as fast as possible. Conversion to the protobuf messages is
/// the client library's job (Media references nothing else, ARCHITECTURE.md §2).
/// </summary>
public sealed class MediaSource : IDisposable
{
    private readonly MediaSourceOptions _options;
    private readonly NativeHandle _source;

    private MediaSource(NativeHandle source, MediaSourceOptions options, MediaStreamInfo info)
    {
        _source = source;
        _options = options;
        Info = info;
    }

    public MediaStreamInfo Info { get; }

    public static MediaSource Open(string url, MediaSourceOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        var o = options ?? new MediaSourceOptions();
        o.Validate();
        var r = MediaNative.SourceOpen(url, (long)o.Timeout.TotalMicroseconds, out var s);
        if (r != MediaNative.Ok)
        {
            throw MediaException.FromNative($"opening {url}", r);
        }

        var handle = new NativeHandle(s, MediaNative.SourceClose);
        MediaNative.SourceVideoInfo(s, out var vc, out var w, out var h, out var fps);
        MediaNative.SourceAudioInfo(s, out var ac, out var rate, out var channels);
        return new MediaSource(handle, o, new MediaStreamInfo((VideoCodec)vc, w, h, fps, (AudioCodec)ac, rate, channels));
    }

    /// <summary>Reads the next packet, or null at end of stream; throws <see cref="MediaException"/> on a read error.</summary>
    public MediaPacket? ReadPacket()
    {
        var r = MediaNative.SourceRead(_source.Pointer, out var kind, out var data, out var pts, out var key);
        if (r == MediaNative.Eof)
        {
            return null;
        }

        if (r != MediaNative.Ok)
        {
            throw MediaException.FromNative("reading", r);
        }

        return kind == MediaNative.KindVideo
            ? new VideoPacket(Info.VideoCodec, data, pts, key, Info.Width, Info.Height)
            : new AudioPacket(Info.AudioCodec, data, pts, Info.SampleRate, Info.Channels);
    }

    /// <summary>All packets until end of stream, paced per <see cref="MediaSourceOptions.Pacing"/>.</summary>
    public async IAsyncEnumerable<MediaPacket> ReadPacketsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        long? firstPts = null;
        while (ReadPacket() is { } packet)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_options.Pacing == MediaPacing.RealTime && packet.PtsMicroseconds != long.MinValue)
            {
                firstPts ??= packet.PtsMicroseconds;
                var due = TimeSpan.FromMicroseconds(packet.PtsMicroseconds - firstPts.Value) - clock.Elapsed;
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due, cancellationToken).ConfigureAwait(false);
                }
            }

            yield return packet;
        }
    }

    public void Dispose() => _source.Dispose();
}
