using System.Security.Cryptography;

namespace FastAV.Live.Server.Tenants;

/// <summary>
/// The tenants in force: none (open server, one default tenant with every role) or the last good tenants file.
/// <see cref="Reload"/> reads the file again; a file that does not parse leaves the previous tenants in force and
/// logs why (once per distinct content). At start-up a bad file stops the server instead.
/// </summary>
public sealed partial class TenantDirectory
{
    private readonly ILogger<TenantDirectory> _logger;
    private readonly Lock _reloadGate = new();
    private TenantSet? _current;
    private byte[] _lastContentHash = [];

    public TenantDirectory(AuthOptions options, ILogger<TenantDirectory> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _logger = logger;
        Path = options.ApiKeysFile;
        if (Path is null)
        {
            return;
        }

        try
        {
            _current = TenantsFile.Load(Path);
            _lastContentHash = HashOf(Path);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidOperationException(ex.Message, ex);
        }

        LogLoaded(_logger, Path, _current.Tenants.Count, _current.KeyCount, _current.CertificateNameCount);
    }

    /// <summary>The tenants file, or null when authentication is off.</summary>
    public string? Path { get; }

    /// <summary>True without a tenants file: calls are not authenticated.</summary>
    public bool IsOpen => Path is null;

    /// <summary>The tenants in force (null when open).</summary>
    public TenantSet? Current => Volatile.Read(ref _current);

    /// <summary>Reloads so far (successful ones).</summary>
    public int ReloadCount { get; private set; }

    /// <summary>Raised after a successful reload.</summary>
    public event Action? Changed;

    /// <summary>The tenant called <paramref name="name"/> now: on an open server only "default".</summary>
    public Tenant? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return IsOpen ? (name == Tenant.DefaultName ? Tenant.Open : null) : Current!.Find(name);
    }

    /// <summary>Logs the start-up warning of an open server (once, from the host).</summary>
    public void AnnounceOpen()
    {
        if (IsOpen)
        {
            LogOpen(_logger);
        }
    }

    /// <summary>Reads the file again if its content changed; true when new tenants are in force.</summary>
    public bool Reload()
    {
        if (Path is null)
        {
            return false;
        }

        lock (_reloadGate)
        {
            byte[] hash;
            try
            {
                hash = HashOf(Path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                hash = [];
                if (_lastContentHash.Length > 0)
                {
                    LogNotReloaded(_logger, Path, $"cannot be read: {ex.Message}");
                    _lastContentHash = [];
                }

                return false;
            }

            if (hash.AsSpan().SequenceEqual(_lastContentHash))
            {
                return false;
            }

            _lastContentHash = hash;
            try
            {
                var set = TenantsFile.Load(Path);
                Volatile.Write(ref _current, set);
                ReloadCount++;
                LogLoaded(_logger, Path, set.Tenants.Count, set.KeyCount, set.CertificateNameCount);
            }
            catch (InvalidDataException ex)
            {
                LogNotReloaded(_logger, Path, ex.Message);
                return false;
            }
        }

        Changed?.Invoke();
        return true;
    }

    private static byte[] HashOf(string path)
    {
        using var file = File.OpenRead(path);
        return SHA256.HashData(file);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Authentication is off (no Auth:ApiKeysFile): every caller is tenant 'default' with every role, so anyone who reaches the port can stream, ask and list. Set Auth:ApiKeysFile to a tenants file to require API keys or client certificates.")]
    private static partial void LogOpen(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Tenants file {Path} in force: {TenantCount} tenants, {KeyCount} API key hashes, {CertificateNameCount} client certificate names")]
    private static partial void LogLoaded(ILogger logger, string path, int tenantCount, int keyCount, int certificateNameCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tenants file {Path} changed but is not used, the previous tenants stay in force: {Reason}")]
    private static partial void LogNotReloaded(ILogger logger, string path, string reason);
}
