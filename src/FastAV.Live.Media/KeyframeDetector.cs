namespace FastAV.Live.Media;

/// <summary>Finds random-access pictures in Annex B access units, so a stream can start without trusting the sender's flag.</summary>
public static class KeyframeDetector
{
    /// <summary>True when the access unit holds an H.264 IDR slice or an HEVC IRAP picture; other codecs are all intra.</summary>
    public static bool IsKeyframe(VideoCodec codec, ReadOnlySpan<byte> accessUnit)
    {
        if (codec is not (VideoCodec.H264 or VideoCodec.HEVC))
        {
            return true;
        }

        for (var i = 0; i + 3 < accessUnit.Length; i++)
        {
            // Start code 00 00 01 (a 4-byte 00 00 00 01 ends in the same three bytes).
            if (accessUnit[i] != 0 || accessUnit[i + 1] != 0 || accessUnit[i + 2] != 1)
            {
                continue;
            }

            var header = accessUnit[i + 3];
            if (codec == VideoCodec.H264 ? (header & 0x1F) == 5 : ((header >> 1) & 0x3F) is >= 16 and <= 23)
            {
                return true;
            }

            i += 2;
        }

        return false;
    }
}
