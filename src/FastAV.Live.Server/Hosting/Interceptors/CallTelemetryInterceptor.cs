using System.Diagnostics;
using FastAV.Live.Server.Observability;
using Grpc.Core;

namespace FastAV.Live.Server.Hosting.Interceptors;

/// <summary>
/// Outermost interceptor: times every call into rpc.server.call.duration (by rpc.method and rpc.grpc.status_code,
/// whatever the outcome — drain refusals and unimplemented paths included) and turns ASP.NET Core's request span, when
/// tracing records it, into an RPC span: OpenTelemetry's rpc.* attributes and status (its name "service/method" is set when
/// the span ends, <see cref="LiveTracing.NameRpcSpan"/>).
/// </summary>
internal sealed class CallTelemetryInterceptor(LiveMetrics metrics, TimeProvider time) : CallInterceptor
{
    protected override async Task<T> AroundAsync<T>(ServerCallContext context, bool streamsResponses, Func<ServerCallContext, Task<T>> handler)
    {
        var method = context.Method.TrimStart('/');
        var span = Activity.Current is { Recorded: true } current ? current : null;
        if (span is not null)
        {
            var slash = method.IndexOf('/', StringComparison.Ordinal);
            span.SetTag("rpc.system", "grpc");
            span.SetTag("rpc.service", slash > 0 ? method[..slash] : method);
            span.SetTag("rpc.method", slash > 0 ? method[(slash + 1)..] : method);
        }

        var started = time.GetTimestamp();
        var status = StatusCode.OK;
        try
        {
            return await handler(context).ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            status = ex.StatusCode;
            throw;
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            status = StatusCode.Cancelled;
            throw;
        }
        catch
        {
            status = StatusCode.Unknown;
            throw;
        }
        finally
        {
            metrics.CallEnded(method, (int)status, time.GetElapsedTime(started).TotalSeconds);
            if (span is not null)
            {
                span.SetTag("rpc.grpc.status_code", (int)status);
                if (status is StatusCode.Unknown or StatusCode.DeadlineExceeded or StatusCode.Unimplemented or StatusCode.Internal or StatusCode.Unavailable or StatusCode.DataLoss)
                {
                    span.SetStatus(ActivityStatusCode.Error, status.ToString());
                }
            }
        }
    }
}
