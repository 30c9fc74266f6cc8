namespace FastAV.Live.Server.Tenants;

/// <summary>How a caller proved its tenant.</summary>
public enum CallerCredential
{
    /// <summary>Not at all: the server runs without a tenants file.</summary>
    None,

    /// <summary>An API key in "authorization: Bearer …".</summary>
    ApiKey,

    /// <summary>A TLS client certificate mapped by the tenants file.</summary>
    ClientCertificate,
}
