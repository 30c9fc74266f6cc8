namespace FastAV.Live.Media;

/// <summary>One compressed or raw media unit with its presentation time in microseconds.</summary>
public abstract record MediaPacket(byte[] Data, long PtsMicroseconds);
