namespace FastAV.Live.Media;

/// <summary>What a <see cref="MediaSource"/> found: codecs (Unspecified = no such stream), picture size, rates.</summary>
public sealed record MediaStreamInfo(
    VideoCodec VideoCodec,
    int Width,
    int Height,
    double FramesPerSecond,
    AudioCodec AudioCodec,
    int SampleRate,
    int Channels);
