using Grpc.Core;

namespace FastAV.Live.LoadTests;

/// <summary>
/// Status codes as the reports show them: gRPC statuses by their canonical names, and NBomber's two codes of
/// its own — a timeout (including gRPC DEADLINE_EXCEEDED) is −100, an exception in the client is −101.
/// </summary>
public static class StatusCodes
{
    public const string Ok = "OK";
    public const string Timeout = "-100";
    public const string ClientException = "-101";

    /// <summary>The report code of a gRPC status: DEADLINE_EXCEEDED is a timeout, every other code its canonical name.</summary>
    public static string FromGrpc(StatusCode code) => code switch
    {
        StatusCode.DeadlineExceeded => Timeout,
        _ => CanonicalName(code),
    };

    /// <summary>INVALID_ARGUMENT for StatusCode.InvalidArgument: the names gRPC's own documents use.</summary>
    public static string CanonicalName(StatusCode code) => UpperSnake(code.ToString());

    /// <summary>"FramesDropped" → "FRAMES_DROPPED": C# enum names back to the proto's spelling.</summary>
    public static string UpperSnake(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var text = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i])) text.Append('_');
            text.Append(char.ToUpperInvariant(name[i]));
        }

        return text.ToString();
    }

    /// <summary>A failed response for an exception a step threw.</summary>
    public static Response FromException(Exception exception) => exception switch
    {
        RpcException rpc => Response.Fail(FromGrpc(rpc.StatusCode), rpc.Status.Detail),
        TimeoutException t => Response.Fail(Timeout, t.Message),
        _ => Response.Fail(ClientException, $"{exception.GetType().Name}: {exception.Message}"),
    };

    /// <summary>What a code means, for the status-code tables.</summary>
    public static string Describe(string code) => code switch
    {
        Timeout => "timeout",
        ClientException => "client exception",
        _ => "",
    };
}
