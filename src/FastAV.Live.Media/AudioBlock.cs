namespace FastAV.Live.Media;

/// <summary>Contiguous decoded audio: mono float32 at the decoder's output rate, starting at <see cref="StartPtsMicroseconds"/>.</summary>
public sealed record AudioBlock(long StartPtsMicroseconds, int SampleRate, float[] Samples)
{
    public long EndPtsMicroseconds => StartPtsMicroseconds + (Samples.LongLength * 1_000_000 / SampleRate);
}
