namespace FastAV.Live.Grpc.Wire;

/// <summary>Values of "-bin" metadata: base64, padded or not; several values may be comma-joined.</summary>
public static class Base64Value
{
    public static byte[] Decode(string value)
    {
        var parts = value.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length == 1)
        {
            return DecodeOne(parts[0]);
        }

        return parts.SelectMany(DecodeOne).ToArray();
    }

    public static string Encode(byte[] value) => Convert.ToBase64String(value).TrimEnd('=');

    private static byte[] DecodeOne(string value)
    {
        var padding = (4 - value.Length % 4) % 4;
        return Convert.FromBase64String(padding == 0 ? value : value + new string('=', padding));
    }
}
