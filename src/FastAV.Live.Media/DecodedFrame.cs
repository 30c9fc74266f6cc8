namespace FastAV.Live.Media;

/// <summary>A decoded picture: packed RGB24, <c>[Height, Width, 3]</c>, row-major.</summary>
public sealed record DecodedFrame(int Width, int Height, long PtsMicroseconds, byte[] Rgb);
