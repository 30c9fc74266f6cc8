namespace FastAV.Live.Server.Hosting;

/// <summary>Lets every request in: the side port's access before authentication exists.</summary>
public sealed class OpenHttpSideAccess : IHttpSideAccess
{
    public ValueTask<bool> AllowsAsync(HttpContext context) => ValueTask.FromResult(true);
}
