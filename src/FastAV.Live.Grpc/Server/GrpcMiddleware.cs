using FastAV.Live.Grpc.Wire;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FastAV.Live.Grpc.Server;

/// <summary>
/// Routes gRPC requests to method handlers and turns every failure into a status, in one place.
/// Requests that are not gRPC (no application/grpc content type, path not a gRPC method) pass on
/// to the rest of the pipeline (metrics, dashboard).
/// </summary>
internal sealed class GrpcMiddleware
{
    private static readonly Status ShuttingDown = new(StatusCode.Unavailable, "The server is shutting down; retry the call (on another server).");

    private readonly RequestDelegate _next;
    private readonly GrpcServerOptions _options;
    private readonly ILogger<GrpcMiddleware> _logger;
    private readonly GrpcServerLifetime _lifetime;
    private readonly Dictionary<string, ServerMethodHandler> _methods = new(StringComparer.Ordinal);
    private readonly HashSet<string> _services = new(StringComparer.Ordinal);

    public GrpcMiddleware(RequestDelegate next, IOptions<GrpcServerOptions> options, IEnumerable<IGrpcService> services, GrpcServerLifetime lifetime, ILogger<GrpcMiddleware> logger)
    {
        _lifetime = lifetime;
        _next = next;
        _options = options.Value;
        _options.Validate();
        _logger = logger;
        foreach (var service in services)
        {
            foreach (var method in service.BindService().Methods)
            {
                if (!_methods.TryAdd(method.FullName, method))
                {
                    throw new InvalidOperationException($"gRPC method {method.FullName} is registered twice.");
                }

                _services.Add(ServiceOf(method.FullName));
            }
        }
    }

    public async Task InvokeAsync(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "";
        _methods.TryGetValue(path, out var handler);
        var isGrpcContent = GrpcProtocol.IsGrpcContentType(http.Request.ContentType);
        if (handler is null && !isGrpcContent)
        {
            await _next(http).ConfigureAwait(false);
            return;
        }

        if (!HttpProtocol.IsHttp2(http.Request.Protocol) && !HttpProtocol.IsHttp3(http.Request.Protocol))
        {
            Reject(http, StatusCodes.Status426UpgradeRequired, $"Request protocol '{http.Request.Protocol}' is not supported: gRPC needs HTTP/2.");
            http.Response.Headers.Upgrade = "h2c";
            return;
        }

        if (HasMalformedHttp2Fields(http.Request.Headers, out var field))
        {
            // RFC 9113 §8.2: a request with connection-specific or invalid field names is malformed, a stream
            // error of type PROTOCOL_ERROR. Kestrel lets these through, so the check is here.
            GrpcServerLog.Rejected(_logger, http.Request.Path, 0, $"malformed HTTP/2 field '{field}'");
            http.Features.Get<IHttpResetFeature>()?.Reset(0x1);
            return;
        }

        if (!HttpMethods.IsPost(http.Request.Method))
        {
            Reject(http, StatusCodes.Status405MethodNotAllowed, $"Request method '{http.Request.Method}' is not supported: gRPC needs POST.");
            http.Response.Headers.Allow = "POST";
            return;
        }

        if (!isGrpcContent)
        {
            Reject(http, StatusCodes.Status415UnsupportedMediaType, $"Content-Type '{http.Request.ContentType}' is not supported.");
            return;
        }

        if (handler is null)
        {
            var detail = _services.Contains(ServiceOf(path)) ? $"Method is unimplemented: {path}" : $"Service is unimplemented: {path}";
            WriteTrailersOnly(http, new Status(StatusCode.Unimplemented, detail));
            return;
        }

        await HandleAsync(http, handler).ConfigureAwait(false);
    }

    private async Task HandleAsync(HttpContext http, ServerMethodHandler handler)
    {
        // Streams live as long as the client wants: Kestrel's body size and minimum data-rate limits do not apply.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = null;
        }

        if (http.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } minRate)
        {
            minRate.MinDataRate = null;
        }

        if (http.Features.Get<IHttpMinResponseDataRateFeature>() is { } minResponseRate)
        {
            minResponseRate.MinDataRate = null;
        }

        string? encoding = http.Request.Headers[GrpcProtocol.EncodingHeader].ToString();
        if (string.IsNullOrEmpty(encoding))
        {
            encoding = null;
        }
        else if (!MessageCompression.IsSupported(encoding))
        {
            http.Response.Headers[GrpcProtocol.AcceptEncodingHeader] = MessageCompression.AcceptEncodingValue;
            WriteTrailersOnly(http, new Status(
                StatusCode.Unimplemented, $"Unsupported grpc-encoding value '{encoding}'. Supported encodings: {MessageCompression.AcceptEncodingValue}"));
            return;
        }

        TimeSpan? timeout = GrpcTimeout.TryParse(http.Request.Headers[GrpcProtocol.TimeoutHeader].ToString(), out var t) ? t : null;
        if (_lifetime.IsShuttingDown)
        {
            WriteTrailersOnly(http, ShuttingDown);
            return;
        }

        using var call = new ServerCall(http, handler.FullName, _options, _logger, encoding, timeout, _lifetime.ShuttingDown);
        Status status;
        var trailers = call.Context.ResponseTrailers;
        try
        {
            await handler.HandleAsync(call).ConfigureAwait(false);
            status = call.Context.Status;
        }
        catch (RpcException ex)
        {
            status = ex.Status;
            foreach (var entry in ex.Trailers)
            {
                trailers.Add(entry);
            }
        }
        catch (Exception) when (call.DeadlineExceeded)
        {
            status = Status.DeadlineExceeded;
        }
        catch (OperationCanceledException) when (call.CancellationToken.IsCancellationRequested)
        {
            status = http.RequestAborted.IsCancellationRequested ? Status.DefaultCancelled
                : _lifetime.IsShuttingDown ? ShuttingDown
                : new Status(StatusCode.Cancelled, "Call canceled by the server.");
        }
        catch (InvalidOperationException ex) when (ex.Message.StartsWith("Only one write", StringComparison.Ordinal))
        {
            GrpcServerLog.HandlerFailed(_logger, handler.FullName, ex);
            status = new Status(StatusCode.Internal, ex.Message);
        }
        catch (Exception ex)
        {
            GrpcServerLog.HandlerFailed(_logger, handler.FullName, ex);
            status = new Status(StatusCode.Unknown, _options.EnableDetailedErrors
                ? $"Exception was thrown by handler. {ex.GetType().Name}: {ex.Message}"
                : "Exception was thrown by handler.");
        }

        GrpcServerLog.CallEnded(_logger, handler.FullName, status.StatusCode, status.Detail);
        try
        {
            await call.FinishAsync(status, trailers).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or ObjectDisposedException or OperationCanceledException)
        {
            GrpcServerLog.FinishFailed(_logger, handler.FullName, ex);
        }
    }

    private void Reject(HttpContext http, int httpStatus, string detail)
    {
        GrpcServerLog.Rejected(_logger, http.Request.Path, httpStatus, detail);
        GrpcResponseHeaders.WriteTrailersOnly(http.Response, httpStatus, new Status(StatusCode.Internal, detail));
    }

    private static void WriteTrailersOnly(HttpContext http, Status status) =>
        GrpcResponseHeaders.WriteTrailersOnly(http.Response, StatusCodes.Status200OK, status);

    private static bool HasMalformedHttp2Fields(IHeaderDictionary headers, out string field)
    {
        foreach (var (name, _) in headers)
        {
            var connectionSpecific = name.Equals("keep-alive", StringComparison.OrdinalIgnoreCase)
                || name.Equals("proxy-connection", StringComparison.OrdinalIgnoreCase)
                || name.Equals("transfer-encoding", StringComparison.OrdinalIgnoreCase)
                || name.Equals("upgrade", StringComparison.OrdinalIgnoreCase);
            if (connectionSpecific || name.AsSpan().IndexOfAny(" \t\r\n\"(),/;<=>?@[\\]{}") >= 0)
            {
                field = name;
                return true;
            }
        }

        field = "";
        return false;
    }

    /// <summary>"/pkg.Service/Method" → "pkg.Service".</summary>
    private static string ServiceOf(string path)
    {
        var trimmed = path.TrimStart('/');
        var slash = trimmed.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? trimmed : trimmed[..slash];
    }
}
