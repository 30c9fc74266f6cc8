namespace FastAV.Live.Media;

/// <summary>
/// A decoded picture not converted yet: a frame the FFmpeg decoder keeps by reference in <see cref="Slot"/>, or a raw
/// packet's bytes (<see cref="Raw"/>). Converted only if the sampler picks it, then released.
/// </summary>
internal sealed class HeldFrame(int width, int height, long ptsMicroseconds, int slot, VideoPacket? raw)
{
    public int Width { get; } = width;

    public int Height { get; } = height;

    public long PtsMicroseconds { get; } = ptsMicroseconds;

    /// <summary>The decoder's slot (0..3), or −1 for a raw picture.</summary>
    public int Slot { get; } = slot;

    public VideoPacket? Raw { get; } = raw;

    /// <summary>Set once converted: a frame chosen for several ticks is converted once.</summary>
    public DecodedFrame? Converted { get; set; }

    public bool Released { get; set; }
}
