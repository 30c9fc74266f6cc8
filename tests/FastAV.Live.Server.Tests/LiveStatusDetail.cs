namespace FastAV.Live.Server.Tests;

/// <summary>Status details the tests compare against, from the server's own definitions.</summary>
internal static class LiveStatusDetail
{
    public static string NoModelLoaded => FastAV.Live.Server.Streams.LiveStatuses.NoModelLoaded.Detail;
}
