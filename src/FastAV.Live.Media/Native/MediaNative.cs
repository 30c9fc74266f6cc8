using System.Runtime.InteropServices;
using System.Text;

namespace FastAV.Live.Media.Native;

/// <summary>[LibraryImport] declarations for src/native/fastav_media (fastav_media.h).</summary>
internal static unsafe partial class MediaNative
{
    private const string Library = "fastav_media";

    public const int Ok = 0;
    public const int Again = 1;
    public const int Eof = 2;
    public const int ErrorLimit = -3;

    public const int FrameCorrupt = 1;
    public const int KindVideo = 1;
    public const int KindAudio = 2;

    [LibraryImport(Library, EntryPoint = "fam_last_error")]
    private static partial int LastError(byte* dst, int capacity);

    [LibraryImport(Library, EntryPoint = "fam_set_log_level")]
    public static partial void SetLogLevel(int avLogLevel);

    [LibraryImport(Library, EntryPoint = "fam_vdec_open")]
    public static partial int VideoDecoderOpen(int codec, int maxWidth, int maxHeight, int threads, out nint decoder);

    [LibraryImport(Library, EntryPoint = "fam_vdec_send")]
    private static partial int VideoDecoderSend(nint decoder, byte* data, int size, long pts);

    [LibraryImport(Library, EntryPoint = "fam_vdec_flush")]
    public static partial int VideoDecoderFlush(nint decoder);

    [LibraryImport(Library, EntryPoint = "fam_vdec_receive")]
    public static partial int VideoDecoderReceive(nint decoder, out int width, out int height, out long pts, out int flags);

    [LibraryImport(Library, EntryPoint = "fam_vdec_copy_rgb")]
    private static partial int VideoDecoderCopyRgb(nint decoder, byte* dst, int dstSize);

    [LibraryImport(Library, EntryPoint = "fam_vdec_set_skip_nonref")]
    public static partial int VideoDecoderSetSkipNonReference(nint decoder, int skip);

    [LibraryImport(Library, EntryPoint = "fam_vdec_hold")]
    public static partial int VideoDecoderHold(nint decoder, out int slot);

    [LibraryImport(Library, EntryPoint = "fam_vdec_release")]
    public static partial int VideoDecoderRelease(nint decoder, int slot);

    [LibraryImport(Library, EntryPoint = "fam_vdec_convert")]
    private static partial int VideoDecoderConvert(nint decoder, int slot, int width, int height, byte* dst, int dstSize);

    [LibraryImport(Library, EntryPoint = "fam_vdec_close")]
    public static partial void VideoDecoderClose(nint decoder);

    [LibraryImport(Library, EntryPoint = "fam_scaler_open")]
    public static partial int ScalerOpen(out nint scaler);

    [LibraryImport(Library, EntryPoint = "fam_scaler_to_rgb")]
    private static partial int ScalerToRgb(nint scaler, int codec, int width, int height, byte* src, int srcSize, byte* dst, int dstSize);

    [LibraryImport(Library, EntryPoint = "fam_scaler_convert")]
    private static partial int ScalerConvert(nint scaler, int codec, int width, int height, byte* src, int srcSize, int dstWidth, int dstHeight, byte* dst, int dstSize);

    [LibraryImport(Library, EntryPoint = "fam_scaler_close")]
    public static partial void ScalerClose(nint scaler);

    [LibraryImport(Library, EntryPoint = "fam_adec_open")]
    public static partial int AudioDecoderOpen(int codec, int sampleRate, int channels, int outRate, int maxBuffered, out nint decoder);

    [LibraryImport(Library, EntryPoint = "fam_adec_send")]
    private static partial int AudioDecoderSend(nint decoder, byte* data, int size, out int corruptFrames);

    [LibraryImport(Library, EntryPoint = "fam_adec_flush")]
    public static partial int AudioDecoderFlush(nint decoder);

    [LibraryImport(Library, EntryPoint = "fam_adec_available")]
    public static partial int AudioDecoderAvailable(nint decoder);

    [LibraryImport(Library, EntryPoint = "fam_adec_read")]
    private static partial int AudioDecoderRead(nint decoder, float* dst, int capacity);

    [LibraryImport(Library, EntryPoint = "fam_adec_close")]
    public static partial void AudioDecoderClose(nint decoder);

    [LibraryImport(Library, EntryPoint = "fam_src_open", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int SourceOpen(string url, long timeoutMicroseconds, out nint source);

    [LibraryImport(Library, EntryPoint = "fam_src_video_info")]
    public static partial int SourceVideoInfo(nint source, out int codec, out int width, out int height, out double fps);

    [LibraryImport(Library, EntryPoint = "fam_src_audio_info")]
    public static partial int SourceAudioInfo(nint source, out int codec, out int sampleRate, out int channels);

    [LibraryImport(Library, EntryPoint = "fam_src_read")]
    private static partial int SourceRead(nint source, out int kind, out byte* data, out int size, out long ptsMicroseconds, out int keyframe);

    [LibraryImport(Library, EntryPoint = "fam_src_close")]
    public static partial void SourceClose(nint source);

    static MediaNative() => SetLogLevel(-8); // AV_LOG_QUIET: errors reach callers as exceptions and counters

    /// <summary>The thread's last native error text.</summary>
    public static string LastErrorMessage()
    {
        Span<byte> buffer = stackalloc byte[512];
        fixed (byte* p = buffer)
        {
            var n = LastError(p, buffer.Length);
            return Encoding.UTF8.GetString(buffer[..Math.Clamp(n, 0, buffer.Length - 1)]);
        }
    }

    public static int VideoDecoderSend(nint decoder, ReadOnlySpan<byte> data, long pts)
    {
        fixed (byte* p = data)
        {
            return VideoDecoderSend(decoder, p, data.Length, pts);
        }
    }

    public static int VideoDecoderCopyRgb(nint decoder, Span<byte> dst)
    {
        fixed (byte* p = dst)
        {
            return VideoDecoderCopyRgb(decoder, p, dst.Length);
        }
    }

    public static int VideoDecoderConvert(nint decoder, int slot, int width, int height, Span<byte> dst)
    {
        fixed (byte* p = dst)
        {
            return VideoDecoderConvert(decoder, slot, width, height, p, dst.Length);
        }
    }

    public static int ScalerConvert(nint scaler, int codec, int width, int height, ReadOnlySpan<byte> src, int dstWidth, int dstHeight, Span<byte> dst)
    {
        fixed (byte* s = src)
        fixed (byte* d = dst)
        {
            return ScalerConvert(scaler, codec, width, height, s, src.Length, dstWidth, dstHeight, d, dst.Length);
        }
    }

    public static int ScalerToRgb(nint scaler, int codec, int width, int height, ReadOnlySpan<byte> src, Span<byte> dst)
    {
        fixed (byte* s = src)
        fixed (byte* d = dst)
        {
            return ScalerToRgb(scaler, codec, width, height, s, src.Length, d, dst.Length);
        }
    }

    public static int AudioDecoderSend(nint decoder, ReadOnlySpan<byte> data, out int corruptFrames)
    {
        fixed (byte* p = data)
        {
            return AudioDecoderSend(decoder, p, data.Length, out corruptFrames);
        }
    }

    public static int AudioDecoderRead(nint decoder, Span<float> dst)
    {
        fixed (float* p = dst)
        {
            return AudioDecoderRead(decoder, p, dst.Length);
        }
    }

    /// <summary>Reads one packet; its bytes are copied out because the native buffer lives only until the next read.</summary>
    public static int SourceRead(nint source, out int kind, out byte[] data, out long ptsMicroseconds, out bool keyframe)
    {
        var r = SourceRead(source, out kind, out byte* p, out var size, out ptsMicroseconds, out var key);
        keyframe = key != 0;
        data = r == Ok && size > 0 ? new ReadOnlySpan<byte>(p, size).ToArray() : [];
        return r;
    }
}
