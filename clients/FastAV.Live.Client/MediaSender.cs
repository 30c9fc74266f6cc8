using System.Diagnostics;
using FastAV.Live.Media;

namespace FastAV.Live.Client;

/// <summary>
/// Sends a <see cref="MediaSource"/>'s packets into a <see cref="LiveStreamSession"/>, at the media's own
/// rate (<see cref="MediaPacing.RealTime"/>: media time t is sent t after the first packet) or as fast as
/// the server takes them. Counters are readable from other threads while sending (for live displays).
/// </summary>
public sealed class MediaSender
{
    private readonly LiveStreamSession _session;
    private readonly MediaPacing _pacing;
    private long _videoFramesSent;
    private long _audioChunksSent;
    private long _bytesSent;
    private long _lastMediaTimeUs = -1;

    public MediaSender(LiveStreamSession session, MediaPacing pacing)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (!Enum.IsDefined(pacing))
        {
            throw new ArgumentOutOfRangeException(nameof(pacing), pacing, "not a MediaPacing value");
        }

        _session = session;
        _pacing = pacing;
    }

    /// <summary>The pts conversion in use (origin, clamped and pts-less packet counts).</summary>
    public MediaPackets Packets { get; } = new();

    public long VideoFramesSent => Interlocked.Read(ref _videoFramesSent);

    public long AudioChunksSent => Interlocked.Read(ref _audioChunksSent);

    /// <summary>Media payload bytes sent (the same quantity as StreamStats.media_bytes_received).</summary>
    public long BytesSent => Interlocked.Read(ref _bytesSent);

    /// <summary>Media time of the last packet sent, microseconds; -1 before the first.</summary>
    public long LastMediaTimeMicroseconds => Interlocked.Read(ref _lastMediaTimeUs);

    /// <summary>Sends every packet until the source ends (or <paramref name="maxDuration"/> of media time has been sent).</summary>
    public async Task SendAsync(MediaSource source, TimeSpan? maxDuration = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var limitUs = maxDuration is { } d ? (long)d.TotalMicroseconds : long.MaxValue;
        var clock = Stopwatch.StartNew();
        while (source.ReadPacket() is { } packet)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var request = Packets.ToRequest(packet);
            var mediaTimeUs = request.KindCase == Contracts.V1.StreamRequest.KindOneofCase.Video ? request.Video.PtsUs : request.Audio.PtsUs;
            if (mediaTimeUs >= limitUs)
            {
                break;
            }

            if (_pacing == MediaPacing.RealTime)
            {
                // Task.Delay counts whole milliseconds (truncating) and may wake a little early: round up and re-check.
                TimeSpan due;
                while ((due = TimeSpan.FromMicroseconds(mediaTimeUs) - clock.Elapsed) > TimeSpan.Zero)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(due.TotalMilliseconds)), cancellationToken).ConfigureAwait(false);
                }
            }

            await _session.SendAsync(request, cancellationToken).ConfigureAwait(false);
            Interlocked.Add(ref _bytesSent, packet.Data.Length);
            Interlocked.Exchange(ref _lastMediaTimeUs, Math.Max(mediaTimeUs, LastMediaTimeMicroseconds));
            if (packet is VideoPacket)
            {
                Interlocked.Increment(ref _videoFramesSent);
            }
            else
            {
                Interlocked.Increment(ref _audioChunksSent);
            }
        }
    }
}
