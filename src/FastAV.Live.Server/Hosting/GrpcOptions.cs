using System.IO.Compression;

namespace FastAV.Live.Server.Hosting;

/// <summary>Message limits and compression of the gRPC server (configuration section "Grpc"); validated at start-up.</summary>
public sealed class GrpcOptions
{
    public const string SectionName = "Grpc";

    /// <summary>
    /// Room above a media payload for the rest of its StreamRequest (oneof tag, pts, sizes, flags: under 64 bytes today).
    /// The receive limit must hold the largest payload LiveAnalytics accepts plus this, so a valid frame is never refused by gRPC.
    /// </summary>
    public const int RequestFramingAllowance = 4096;

    /// <summary>
    /// Largest request message, bytes, checked against the length prefix and again after decompression. Default 16 MiB + 64 KiB:
    /// LiveAnalytics:MaxVideoPayloadBytes (16 MiB, a raw RGB24 1080p frame is 6.2 MB) and its message around it.
    /// </summary>
    public int MaxReceiveMessageSize { get; set; } = (16 << 20) + (64 << 10);

    /// <summary>Largest response message, bytes. Default 4 MiB (responses are answers and stats, a few KiB).</summary>
    public int MaxSendMessageSize { get; set; } = 4 << 20;

    /// <summary>Encoding of responses to clients that accept it: identity, gzip or deflate. Default identity.</summary>
    public string ResponseCompression { get; set; } = "identity";

    /// <summary>Level of compressed responses: Optimal, Fastest, NoCompression, SmallestSize. Default Fastest.</summary>
    public CompressionLevel ResponseCompressionLevel { get; set; } = CompressionLevel.Fastest;

    /// <summary>Put the exception type and message of a failing handler into grpc-message (UNKNOWN). Default false (never in production).</summary>
    public bool EnableDetailedErrors { get; set; }

    /// <summary>The problems, each naming its key; empty when the options are valid.</summary>
    public List<string> Validate(int largestPayloadBytes)
    {
        var failures = new List<string>();
        if (MaxSendMessageSize < 1024)
        {
            failures.Add($"{SectionName}:{nameof(MaxSendMessageSize)} must be at least 1024 bytes, got {MaxSendMessageSize}.");
        }

        var needed = (long)largestPayloadBytes + RequestFramingAllowance;
        if (MaxReceiveMessageSize < needed)
        {
            failures.Add($"{SectionName}:{nameof(MaxReceiveMessageSize)} ({MaxReceiveMessageSize} bytes) must hold the largest media payload LiveAnalytics accepts "
                + $"(LiveAnalytics:MaxVideoPayloadBytes / MaxAudioPayloadBytes, {largestPayloadBytes} bytes) plus {RequestFramingAllowance} bytes for the rest of the message; "
                + "raise it or lower the payload limit.");
        }

        if (ResponseCompression is not ("identity" or "gzip" or "deflate"))
        {
            failures.Add($"{SectionName}:{nameof(ResponseCompression)} must be identity, gzip or deflate, got '{ResponseCompression}'.");
        }

        if (!Enum.IsDefined(ResponseCompressionLevel))
        {
            failures.Add($"{SectionName}:{nameof(ResponseCompressionLevel)} must be Optimal, Fastest, NoCompression or SmallestSize, got {ResponseCompressionLevel}.");
        }

        return failures;
    }
}
