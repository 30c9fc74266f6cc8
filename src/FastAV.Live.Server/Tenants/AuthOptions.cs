namespace FastAV.Live.Server.Tenants;

/// <summary>Authentication (configuration section "Auth"). Without <see cref="ApiKeysFile"/> the server is open: every caller is tenant "default" with every role.</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>The tenants file (JSON: tenants, their key hashes, roles, quotas, client certificate names; see <see cref="TenantsFile"/>). Default none: authentication off.</summary>
    public string? ApiKeysFile { get; set; }

    /// <summary>How often the tenants file is checked for changes besides file-system notifications (which miss some mounts). Default 5 s.</summary>
    public TimeSpan ReloadInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Server reflection without a credential (it serves only the public contract; grpcurl needs it even to call health). False: reflection needs a valid credential. Default true.</summary>
    public bool AnonymousReflection { get; set; } = true;

    /// <summary>Throws with a message naming the bad setting.</summary>
    public void Validate()
    {
        if (ApiKeysFile is { Length: 0 })
        {
            ApiKeysFile = null;
        }

        if (ReloadInterval < TimeSpan.FromMilliseconds(100) || ReloadInterval > TimeSpan.FromHours(1))
        {
            throw new InvalidOperationException($"Auth:ReloadInterval must be in [00:00:00.1, 01:00:00], got {ReloadInterval}.");
        }
    }
}
