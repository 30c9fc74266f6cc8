using System.Globalization;
using System.Text.Json;
using FastAV.Live.Server.Streams;

namespace FastAV.Live.Server.Tenants;

/// <summary>
/// Reads the tenants file (Auth:ApiKeysFile). Shape, JSON with // comments allowed:
/// <code>
/// {"tenants": [{"name": "site-a",                          // [A-Za-z0-9._:-], unique
///               "keys": ["sha256:&lt;64 hex of the key's UTF-8 bytes&gt;"],  // never the key itself
///               "roles": ["stream", "ask", "read"],       // and/or "admin"
///               "quotas": {"maxStreams": 4, "maxStandingQuestions": 8, "maxAsksPerSecond": 2, "askBurst": 4,
///                          "maxMediaBytesPerSecond": 4000000, "mediaBurstBytes": 8000000},  // each optional
///               "clientCertificates": ["cn:gw-1.site-a", "dns:gw-1.site-a.example"],          // optional
///               "description": "free text"}]}                                                 // optional
/// </code>
/// Unknown properties are refused (a misspelt quota must not silently mean "no limit"). Errors name the property
/// (tenants[1].keys[0]) and never repeat a key's value.
/// </summary>
public static class TenantsFile
{
    /// <summary>Larger files are refused: a tenants file is small, and it is read on every change.</summary>
    public const long MaxBytes = 4L << 20;

    private const string KeyPrefix = "sha256:";

    private static readonly JsonDocumentOptions JsonOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = 16 };

    private static readonly Dictionary<string, TenantRoles> RoleNames = new(StringComparer.Ordinal)
    {
        ["stream"] = TenantRoles.Stream,
        ["ask"] = TenantRoles.Ask,
        ["read"] = TenantRoles.Read,
        ["admin"] = TenantRoles.Admin,
    };

    /// <summary>Reads and parses <paramref name="path"/>; throws <see cref="InvalidDataException"/> with every problem found.</summary>
    public static TenantSet Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw new InvalidDataException($"Auth:ApiKeysFile '{path}' does not exist.");
            }

            if (info.Length > MaxBytes)
            {
                throw new InvalidDataException($"Auth:ApiKeysFile '{path}' is {info.Length} bytes, at most {MaxBytes} allowed.");
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"Auth:ApiKeysFile '{path}' cannot be read: {ex.Message}", ex);
        }

        return Parse(bytes, $"Auth:ApiKeysFile '{path}'");
    }

    /// <summary>Parses the file's bytes; <paramref name="source"/> starts every error message.</summary>
    public static TenantSet Parse(ReadOnlyMemory<byte> json, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, JsonOptions);
        }
        catch (JsonException ex)
        {
            // The parser's message names a position (line, byte), and at most one character of the text.
            throw new InvalidDataException($"{source}: not JSON: {ex.Message}", ex);
        }

        using (document)
        {
            var problems = new List<string>();
            var set = Read(document.RootElement, problems);
            if (problems.Count > 0)
            {
                throw new InvalidDataException($"{source}: {string.Join("; ", problems)}");
            }

            return set;
        }
    }

    private static TenantSet Read(JsonElement root, List<string> problems)
    {
        var tenants = new List<Tenant>();
        var keys = new List<(byte[], Tenant)>();
        var certificates = new List<(CertificateName, Tenant)>();
        if (root.ValueKind != JsonValueKind.Object)
        {
            problems.Add("must be a JSON object {\"tenants\": [...]}");
            return new TenantSet(tenants, keys, certificates);
        }

        Unknown(root, "", ["tenants"], problems);
        if (!root.TryGetProperty("tenants", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            problems.Add("tenants: required, an array");
            return new TenantSet(tenants, keys, certificates);
        }

        var keyOwners = new Dictionary<string, string>(StringComparer.Ordinal);
        var certificateOwners = new Dictionary<string, string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var element in list.EnumerateArray())
        {
            var at = $"tenants[{index++}]";
            if (element.ValueKind != JsonValueKind.Object)
            {
                problems.Add($"{at}: must be an object");
                continue;
            }

            Unknown(element, at + ".", ["name", "keys", "roles", "quotas", "clientCertificates", "description"], problems);
            var name = element.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : null;
            if (name is null)
            {
                problems.Add($"{at}.name: required, a string");
                continue;
            }

            if (IdentifierRules.Check(name, IdentifierRules.MaxLength) is { } badName)
            {
                problems.Add($"{at}.name: {badName}");
                continue;
            }

            if (tenants.Any(t => t.Name == name))
            {
                problems.Add($"{at}.name: {IdentifierRules.Quote(name)} is defined twice");
                continue;
            }

            if (element.TryGetProperty("description", out var description) && description.ValueKind != JsonValueKind.String)
            {
                problems.Add($"{at}.description: must be a string");
            }

            var tenant = new Tenant(name, Roles(element, at, problems), Quotas(element, at, problems));
            tenants.Add(tenant);
            foreach (var (key, keyAt) in Strings(element, "keys", at, problems))
            {
                var hash = KeyHash(key);
                if (hash is null)
                {
                    // Never echo the value: it may be a key pasted where its hash belongs.
                    problems.Add($"{keyAt}: must be \"sha256:\" and the 64 hex digits of SHA-256 over the key's UTF-8 bytes (the key itself is never stored)");
                }
                else if (!keyOwners.TryAdd(Convert.ToHexString(hash), name))
                {
                    problems.Add($"{keyAt}: the same key hash is already listed for tenant {IdentifierRules.Quote(keyOwners[Convert.ToHexString(hash)])}");
                }
                else
                {
                    keys.Add((hash, tenant));
                }
            }

            foreach (var (text, certificateAt) in Strings(element, "clientCertificates", at, problems))
            {
                var certificateName = CertificateName.Parse(text, out var problem);
                if (certificateName is null)
                {
                    problems.Add($"{certificateAt}: {problem}");
                }
                else if (!certificateOwners.TryAdd(certificateName.ToString(), name))
                {
                    problems.Add($"{certificateAt}: {IdentifierRules.Quote(certificateName.ToString())} is already mapped to tenant {IdentifierRules.Quote(certificateOwners[certificateName.ToString()])}");
                }
                else
                {
                    certificates.Add((certificateName, tenant));
                }
            }
        }

        return new TenantSet(tenants, keys, certificates);
    }

    private static TenantRoles Roles(JsonElement tenant, string at, List<string> problems)
    {
        if (!tenant.TryGetProperty("roles", out _))
        {
            problems.Add($"{at}.roles: required, an array of \"stream\", \"ask\", \"read\", \"admin\"");
            return TenantRoles.None;
        }

        var roles = TenantRoles.None;
        foreach (var (role, roleAt) in Strings(tenant, "roles", at, problems))
        {
            if (RoleNames.TryGetValue(role, out var value))
            {
                roles |= value;
            }
            else
            {
                problems.Add($"{roleAt}: unknown role {IdentifierRules.Quote(role)} (roles: stream, ask, read, admin)");
            }
        }

        return roles;
    }

    private static TenantQuotas Quotas(JsonElement tenant, string at, List<string> problems)
    {
        if (!tenant.TryGetProperty("quotas", out var quotas))
        {
            return TenantQuotas.None;
        }

        at += ".quotas";
        if (quotas.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"{at}: must be an object");
            return TenantQuotas.None;
        }

        Unknown(quotas, at + ".", ["maxStreams", "maxStandingQuestions", "maxAsksPerSecond", "askBurst", "maxMediaBytesPerSecond", "mediaBurstBytes"], problems);
        var result = new TenantQuotas
        {
            MaxStreams = (int?)Number(quotas, "maxStreams", at, 0, 1_000_000, integer: true, problems),
            MaxStandingQuestions = (int?)Number(quotas, "maxStandingQuestions", at, 0, 10_000, integer: true, problems),
            MaxAsksPerSecond = Number(quotas, "maxAsksPerSecond", at, 0.001, 1_000_000, integer: false, problems),
            AskBurst = Number(quotas, "askBurst", at, 1, 1_000_000, integer: false, problems),
            MaxMediaBytesPerSecond = Number(quotas, "maxMediaBytesPerSecond", at, 1, 1e12, integer: false, problems),
            MediaBurstBytes = Number(quotas, "mediaBurstBytes", at, 1, 1e13, integer: false, problems),
        };
        if (result.AskBurst is not null && result.MaxAsksPerSecond is null)
        {
            problems.Add($"{at}.askBurst: needs maxAsksPerSecond");
        }

        if (result.MediaBurstBytes is not null && result.MaxMediaBytesPerSecond is null)
        {
            problems.Add($"{at}.mediaBurstBytes: needs maxMediaBytesPerSecond");
        }

        return result;
    }

    private static double? Number(JsonElement quotas, string name, string at, double min, double max, bool integer, List<string> problems)
    {
        if (!quotas.TryGetProperty(name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || number < min || number > max || (integer && number != Math.Floor(number)))
        {
            var kind = integer ? "an integer" : "a number";
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{at}.{name}: must be {kind} in [{min}, {max}], got {Shown(value)}"));
            return null;
        }

        return number;
    }

    /// <summary>The strings of an optional array property, each with its path; problems for non-strings.</summary>
    private static IEnumerable<(string Value, string At)> Strings(JsonElement parent, string property, string at, List<string> problems)
    {
        if (!parent.TryGetProperty(property, out var array))
        {
            yield break;
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            problems.Add($"{at}.{property}: must be an array of strings");
            yield break;
        }

        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            var itemAt = $"{at}.{property}[{i++}]";
            if (item.ValueKind != JsonValueKind.String)
            {
                problems.Add($"{itemAt}: must be a string");
                continue;
            }

            yield return (item.GetString()!, itemAt);
        }
    }

    private static byte[]? KeyHash(string text)
    {
        if (!text.StartsWith(KeyPrefix, StringComparison.Ordinal) || text.Length != KeyPrefix.Length + 64 || !text[KeyPrefix.Length..].All(char.IsAsciiHexDigit))
        {
            return null;
        }

        return Convert.FromHexString(text.AsSpan(KeyPrefix.Length));
    }

    private static void Unknown(JsonElement element, string at, string[] known, List<string> problems)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (!known.Contains(property.Name, StringComparer.Ordinal))
            {
                problems.Add($"{at}{IdentifierRules.Quote(property.Name)}: unknown property (known: {string.Join(", ", known)})");
            }
        }
    }

    private static string Shown(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.String => "a string",
        _ => value.ValueKind.ToString().ToLowerInvariant(),
    };
}
