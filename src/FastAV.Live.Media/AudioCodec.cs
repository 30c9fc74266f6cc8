namespace FastAV.Live.Media;

/// <summary>Audio codecs, named as in the contract's AudioChunk codec enum (numbers are the shim's).</summary>
public enum AudioCodec
{
    Unspecified = 0,
    PCM_S16LE = 1,
    PCM_F32LE = 2,
    /// <summary>AAC in ADTS framing (one or more frames per chunk).</summary>
    AAC = 3,
    /// <summary>One Opus packet per chunk, 48 kHz, mono or stereo.</summary>
    OPUS = 4,
}
