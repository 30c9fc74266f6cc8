namespace FastAV.Live.InteropHost;

/// <summary>An interop case's assertion that did not hold.</summary>
public sealed class InteropFailure(string message) : Exception(message)
{
    public static void Expect(bool condition, string message)
    {
        if (!condition)
        {
            throw new InteropFailure(message);
        }
    }
}
