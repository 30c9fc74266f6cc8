using System.IO.Compression;
using Grpc.Net.Compression;
using Microsoft.AspNetCore.Http;

namespace FastAV.Live.InteropHost;

/// <summary>
/// A compression provider that marks the call's HttpContext each time it inflates a request message, so a handler
/// can tell whether the message it just read arrived with the compressed flag (interop's expect_compressed).
/// </summary>
public sealed class CompressedRequests(ICompressionProvider inner, IHttpContextAccessor http) : ICompressionProvider
{
    private const string Key = "fastav.interop.last-request-compressed";

    public string EncodingName => inner.EncodingName;

    public Stream CreateCompressionStream(Stream stream, CompressionLevel? compressionLevel) => inner.CreateCompressionStream(stream, compressionLevel);

    public Stream CreateDecompressionStream(Stream stream)
    {
        if (http.HttpContext is { } context)
        {
            context.Items[Key] = true;
        }

        return inner.CreateDecompressionStream(stream);
    }

    /// <summary>Whether the last message read on this call was compressed; clears the mark for the next one.</summary>
    public static bool TakeLastRequestCompressed(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var compressed = context.Items.Remove(Key);
        return compressed;
    }
}
