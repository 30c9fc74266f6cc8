namespace FastAV.Live.Media;

/// <summary>
/// One video access unit (Annex B for H264/HEVC, a whole JPEG, or one raw picture).
/// Width and height are required for the raw codecs and informative otherwise.
/// </summary>
public sealed record VideoPacket(VideoCodec Codec, byte[] Data, long PtsMicroseconds, bool IsKeyframe, int Width = 0, int Height = 0)
    : MediaPacket(Data, PtsMicroseconds);
