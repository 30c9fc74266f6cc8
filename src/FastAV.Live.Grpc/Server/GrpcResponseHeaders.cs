using System.Globalization;
using FastAV.Live.Grpc.Wire;
using Microsoft.AspNetCore.Http;

namespace FastAV.Live.Grpc.Server;

/// <summary>Status and metadata into response headers or trailers; the one place that writes grpc-status.</summary>
internal static class GrpcResponseHeaders
{
    public static void AppendStatus(IHeaderDictionary headers, Status status)
    {
        headers[GrpcProtocol.StatusTrailer] = ((int)status.StatusCode).ToString(CultureInfo.InvariantCulture);
        if (!string.IsNullOrEmpty(status.Detail))
        {
            headers[GrpcProtocol.MessageTrailer] = PercentEncoding.Encode(status.Detail);
        }
    }

    public static void AppendMetadata(IHeaderDictionary headers, Metadata metadata)
    {
        foreach (var entry in metadata)
        {
            if (!GrpcProtocol.IsReservedHeader(entry.Key))
            {
                headers.Append(entry.Key, MetadataHeaders.ToHeaderValue(entry));
            }
        }
    }

    /// <summary>A response that is only headers with END_STREAM: the HTTP status, gRPC content type, status and metadata.</summary>
    public static void WriteTrailersOnly(HttpResponse response, int httpStatus, Status status, Metadata? trailers = null)
    {
        response.StatusCode = httpStatus;
        response.ContentType = GrpcProtocol.ContentType;
        AppendStatus(response.Headers, status);
        if (trailers is not null)
        {
            AppendMetadata(response.Headers, trailers);
        }
    }
}
