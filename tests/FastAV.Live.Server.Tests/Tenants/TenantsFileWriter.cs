using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace FastAV.Live.Server.Tests.Tenants;

/// <summary>
/// A tenants file in a temporary directory, written the way an operator would: keys stored as "sha256:" + the hex of
/// their hash. The default set has one tenant per role shape (keys are "key-" + the tenant's name).
/// </summary>
internal sealed class TenantsFileWriter : IDisposable
{
    private readonly string _directory = System.IO.Directory.CreateTempSubdirectory("fastav-tenants-").FullName;

    public TenantsFileWriter(JsonObject? content = null)
    {
        Path = System.IO.Path.Combine(_directory, "tenants.json");
        Write(content ?? Standard());
    }

    public string Path { get; }

    public string Directory => _directory;

    public static string KeyOf(string tenant) => "key-" + tenant;

    public static string Hash(string key) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>A tenant with one key (KeyOf(name)), roles, optional quotas and certificate names.</summary>
    public static JsonObject Tenant(string name, string[] roles, JsonObject? quotas = null, string[]? certificates = null)
    {
        var tenant = new JsonObject
        {
            ["name"] = name,
            ["keys"] = new JsonArray(Hash(KeyOf(name))),
            ["roles"] = new JsonArray(roles.Select(r => (JsonNode)r).ToArray()),
        };
        if (quotas is not null)
        {
            tenant["quotas"] = quotas;
        }

        if (certificates is not null)
        {
            tenant["clientCertificates"] = new JsonArray(certificates.Select(c => (JsonNode)c).ToArray());
        }

        return tenant;
    }

    public static JsonObject File(params JsonObject[] tenants) => new() { ["tenants"] = new JsonArray(tenants) };

    /// <summary>site-a and site-b (stream, ask, read), and one tenant per single role: streamer, asker, reader; ops (read, admin).</summary>
    public static JsonObject Standard(params JsonObject[] more) => File(
    [
        Tenant("site-a", ["stream", "ask", "read"]),
        Tenant("site-b", ["stream", "ask", "read"]),
        Tenant("streamer", ["stream"]),
        Tenant("asker", ["ask"]),
        Tenant("reader", ["read"]),
        Tenant("ops", ["read", "admin"]),
        .. more,
    ]);

    public void Write(JsonObject content) => Write(content.ToJsonString());

    /// <summary>Replaces the file the way editors and Kubernetes do: a new file renamed over the old one.</summary>
    public void Write(string text)
    {
        var temporary = Path + ".tmp";
        System.IO.File.WriteAllText(temporary, text);
        System.IO.File.Move(temporary, Path, overwrite: true);
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A server still watching it; the temp directory is cleaned with the machine.
        }
    }
}
