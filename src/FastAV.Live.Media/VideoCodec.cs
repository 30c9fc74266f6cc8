namespace FastAV.Live.Media;

/// <summary>Video codecs, named as in the contract's VideoFrame codec enum (numbers are the shim's).</summary>
public enum VideoCodec
{
    Unspecified = 0,
    RAW_RGB24 = 1,
    RAW_I420 = 2,
    JPEG = 3,
    H264 = 4,
    HEVC = 5,
    NV12 = 6,
}
