namespace FastAV.Live.Grpc.Wire;

/// <summary>Metadata as HTTP/2 header values, both ways: "-bin" values are unpadded base64, others ASCII text.</summary>
internal static class MetadataHeaders
{
    public static string ToHeaderValue(Metadata.Entry entry) => entry.IsBinary ? Base64Value.Encode(entry.ValueBytes) : entry.Value;

    /// <summary>Adds a received header unless it is protocol, not metadata; a malformed value (bad base64, non-ASCII, bad key) is dropped, as other implementations do.</summary>
    public static void AddReceived(Metadata metadata, string key, string? value)
    {
        if (value is null || GrpcProtocol.IsReservedHeader(key))
        {
            return;
        }

        try
        {
            if (Metadata.IsBinaryKey(key))
            {
                metadata.Add(key, Base64Value.Decode(value));
            }
            else
            {
                metadata.Add(key, value);
            }
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            // Not valid metadata: dropped.
        }
    }
}
