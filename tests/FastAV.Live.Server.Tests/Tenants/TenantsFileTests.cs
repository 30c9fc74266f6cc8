using System.Text;
using FastAV.Live.Server.Tenants;

namespace FastAV.Live.Server.Tests.Tenants;

/// <summary>The tenants file: the issue's shape and ours are read; every malformed part is refused naming its place, never echoing a key.</summary>
public sealed class TenantsFileTests
{
    private const string Key = "correct horse battery staple";

    [Fact]
    public void The_issues_shape_is_accepted()
    {
        var hash = TenantsFileWriter.Hash(Key);
        var set = Parse($$$"""{"tenants":[{"name":"site-a","keys":["{{{hash}}}"],"roles":["stream","ask","read"],"quotas":{"maxStreams":4}}]}""");
        var tenant = Assert.Single(set.Tenants);
        Assert.Equal("site-a", tenant.Name);
        Assert.Equal(TenantRoles.Stream | TenantRoles.Ask | TenantRoles.Read, tenant.Roles);
        Assert.Equal(4, tenant.Quotas.MaxStreams);
        Assert.Null(tenant.Quotas.MaxAsksPerSecond);
        Assert.Same(tenant, set.FindByKey(Key));
        Assert.Null(set.FindByKey(Key + " "));
        Assert.Null(set.FindByKey(""));
    }

    [Fact]
    public void Every_field_of_ours_is_read_and_comments_are_allowed()
    {
        var set = Parse($$$"""
            // tenants of building 7
            {"tenants": [
              {"name": "ops", "description": "the NOC", "keys": ["{{{TenantsFileWriter.Hash("a")}}}", "{{{TenantsFileWriter.Hash("b").ToUpperInvariant().Replace("SHA256:", "sha256:", StringComparison.Ordinal)}}}"],
               "roles": ["read", "admin"],
               "quotas": {"maxStreams": 0, "maxStandingQuestions": 3, "maxAsksPerSecond": 0.5, "askBurst": 2,
                          "maxMediaBytesPerSecond": 4000000, "mediaBurstBytes": 8000000},
               "clientCertificates": ["cn:noc-1", "dns:noc.example", "uri:spiffe://b7/noc", "email:noc@example.com", "subject:CN=noc-2,O=B7"]},
              {"name": "empty", "roles": []}
            ]}
            """);
        var ops = set.Find("ops")!;
        Assert.Equal(TenantRoles.Read | TenantRoles.Admin, ops.Roles);
        Assert.Equal(new TenantQuotas { MaxStreams = 0, MaxStandingQuestions = 3, MaxAsksPerSecond = 0.5, AskBurst = 2, MaxMediaBytesPerSecond = 4_000_000, MediaBurstBytes = 8_000_000 }, ops.Quotas);
        Assert.Same(ops, set.FindByKey("a"));
        Assert.Same(ops, set.FindByKey("b"));
        Assert.Equal(2, set.KeyCount);
        Assert.Equal(5, set.CertificateNameCount);
        Assert.Equal(TenantRoles.None, set.Find("empty")!.Roles);
    }

    [Theory]
    [InlineData("""[]""", "must be a JSON object")]
    [InlineData("""{}""", "tenants: required, an array")]
    [InlineData("""{"tenants": [], "extra": 1}""", "'extra': unknown property")]
    [InlineData("""{"tenants": [{"roles": []}]}""", "tenants[0].name: required, a string")]
    [InlineData("""{"tenants": [{"name": "bad name", "roles": []}]}""", "tenants[0].name: may only contain")]
    [InlineData("""{"tenants": [{"name": "a", "roles": []}, {"name": "a", "roles": []}]}""", "tenants[1].name: 'a' is defined twice")]
    [InlineData("""{"tenants": [{"name": "a"}]}""", "tenants[0].roles: required")]
    [InlineData("""{"tenants": [{"name": "a", "roles": ["root"]}]}""", "tenants[0].roles[0]: unknown role 'root'")]
    [InlineData("""{"tenants": [{"name": "a", "roles": "read"}]}""", "tenants[0].roles: must be an array of strings")]
    [InlineData("""{"tenants": [{"name": "a", "roles": [], "keys": [7]}]}""", "tenants[0].keys[0]: must be a string")]
    [InlineData("""{"tenants": [{"name": "a", "roles": [], "keys": ["sha256:abc"]}]}""", "tenants[0].keys[0]: must be \"sha256:\"")]
    [InlineData("""{"tenants": [{"name": "a", "roles": [], "quotas": {"maxStream": 4}}]}""", "tenants[0].quotas.'maxStream': unknown property")]
    [InlineData("""{"tenants": [{"name": "a", "roles": [], "quotas": {"maxStreams": 1.5}}]}""", "tenants[0].quotas.maxStreams: must be an integer in [0, 1000000], got 1.5")]
    [InlineData("""{"tenants": [{"name": "a", "roles": [], "quotas": {"maxAsksPerSecond": 0}}]}""", "tenants[0].quotas.maxAsksPerSecond: must be a number in [0.001, 1000000], got 0")]
    [InlineData("""{"tenants": [{"name": "a", "roles": [], "quotas": {"maxStreams": "4"}}]}""", "tenants[0].quotas.maxStreams: must be an integer in [0, 1000000], got a string")]
    [InlineData("""{"tenants": [{"name": "a", "roles": [], "quotas": {"askBurst": 3}}]}""", "tenants[0].quotas.askBurst: needs maxAsksPerSecond")]
    [InlineData("""{"tenants": [{"name": "a", "roles": [], "quotas": {"mediaBurstBytes": 3}}]}""", "tenants[0].quotas.mediaBurstBytes: needs maxMediaBytesPerSecond")]
    [InlineData("""{"tenants": [{"name": "a", "roles": [], "clientCertificates": ["gw-1"]}]}""", "tenants[0].clientCertificates[0]: must be one of cn:…")]
    [InlineData("""{"tenants": [{"name": "a", "roles": [], "clientCertificates": ["cn:x"]}, {"name": "b", "roles": [], "clientCertificates": ["cn:x"]}]}""", "tenants[1].clientCertificates[0]: 'cn:x' is already mapped to tenant 'a'")]
    [InlineData("""{"tenants": [{"name": "a", "roles": [], "description": 3}]}""", "tenants[0].description: must be a string")]
    [InlineData("""{"tenants": [""", "not JSON")]
    public void A_malformed_file_is_refused_naming_the_place(string json, string expected)
    {
        var ex = Assert.Throws<InvalidDataException>(() => Parse(json));
        Assert.StartsWith("tenants.json: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_pasted_where_its_hash_belongs_is_refused_without_repeating_it()
    {
        var ex = Assert.Throws<InvalidDataException>(() => Parse($$$"""{"tenants": [{"name": "a", "roles": ["read"], "keys": ["{{{Key}}}"]}]}"""));
        Assert.Contains("tenants[0].keys[0]: must be \"sha256:\" and the 64 hex digits", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("horse", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void One_key_for_two_tenants_is_refused()
    {
        var hash = TenantsFileWriter.Hash(Key);
        var ex = Assert.Throws<InvalidDataException>(() => Parse($$$"""{"tenants": [{"name": "a", "roles": [], "keys": ["{{{hash}}}"]}, {"name": "b", "roles": [], "keys": ["{{{hash}}}"]}]}"""));
        Assert.Contains("tenants[1].keys[0]: the same key hash is already listed for tenant 'a'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_is_listed_at_once()
    {
        var ex = Assert.Throws<InvalidDataException>(() => Parse("""{"tenants": [{"name": "a", "roles": ["x"], "keys": ["y"]}, {"roles": []}]}"""));
        Assert.Contains("tenants[0].roles[0]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("tenants[0].keys[0]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("tenants[1].name", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_or_huge_file_is_refused_naming_the_setting()
    {
        using var writer = new TenantsFileWriter();
        var missing = Path.Combine(writer.Directory, "none.json");
        Assert.Equal($"Auth:ApiKeysFile '{missing}' does not exist.", Assert.Throws<InvalidDataException>(() => TenantsFile.Load(missing)).Message);
        File.WriteAllBytes(writer.Path, new byte[TenantsFile.MaxBytes + 1]);
        Assert.Contains("bytes, at most", Assert.Throws<InvalidDataException>(() => TenantsFile.Load(writer.Path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deep_nesting_is_refused_not_recursed()
    {
        var deep = "{\"tenants\": [" + new string('[', 5000) + new string(']', 5000) + "]}";
        Assert.Contains("not JSON", Assert.Throws<InvalidDataException>(() => Parse(deep)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_one_of_many_keys_finds_its_own_tenant_and_no_other_key_does()
    {
        var tenants = Enumerable.Range(0, 300).Select(i => TenantsFileWriter.Tenant($"t{i}", ["read"])).ToArray();
        tenants[7]["keys"]!.AsArray().Add(TenantsFileWriter.Hash("second key of t7"));
        var set = TenantsFile.Parse(Encoding.UTF8.GetBytes(TenantsFileWriter.File(tenants).ToJsonString()), "x");
        Assert.Equal(301, set.KeyCount);
        for (var i = 0; i < 300; i++)
        {
            Assert.Equal($"t{i}", set.FindByKey(TenantsFileWriter.KeyOf($"t{i}"))!.Name);
        }

        Assert.Equal("t7", set.FindByKey("second key of t7")!.Name);
        Assert.Null(set.FindByKey("key-t300"));
        Assert.Null(set.FindByKey("key-t0 "));
        Assert.Null(set.FindByKey(TenantsFileWriter.Hash("key-t0")));
    }

    [Fact]
    public void The_writers_standard_file_round_trips()
    {
        var set = TenantsFile.Parse(Encoding.UTF8.GetBytes(TenantsFileWriter.Standard().ToJsonString()), "x");
        Assert.Equal(["site-a", "site-b", "streamer", "asker", "reader", "ops"], set.Tenants.Select(t => t.Name));
        Assert.Equal("ops", set.FindByKey(TenantsFileWriter.KeyOf("ops"))!.Name);
    }

    private static TenantSet Parse(string json) => TenantsFile.Parse(Encoding.UTF8.GetBytes(json), "tenants.json");
}
