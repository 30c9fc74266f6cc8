namespace FastAV.Live.Grpc.Wire;

/// <summary>The status a client reports when the server resets the stream (PROTOCOL-HTTP2.md, "Errors").</summary>
public static class Http2ErrorMapping
{
    public static StatusCode ToStatusCode(long http2ErrorCode) => http2ErrorCode switch
    {
        0x7 => StatusCode.Unavailable,        // REFUSED_STREAM
        0x8 => StatusCode.Cancelled,          // CANCEL
        0xB => StatusCode.ResourceExhausted,  // ENHANCE_YOUR_CALM
        0xC => StatusCode.PermissionDenied,   // INADEQUATE_SECURITY
        _ => StatusCode.Internal,             // NO_ERROR, PROTOCOL_ERROR, INTERNAL_ERROR, FLOW_CONTROL_ERROR, ...
    };
}
