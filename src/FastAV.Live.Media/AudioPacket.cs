namespace FastAV.Live.Media;

/// <summary>One audio chunk; SampleRate and Channels describe PCM input (and Opus's channel count).</summary>
public sealed record AudioPacket(AudioCodec Codec, byte[] Data, long PtsMicroseconds, int SampleRate, int Channels)
    : MediaPacket(Data, PtsMicroseconds);
