using FastAV.Live.Server.Tenants;

namespace FastAV.Live.Server.Tests.Tenants;

/// <summary>How the tenants file names client certificates, matched against real certificates made for the test.</summary>
public sealed class CertificateNameTests : IDisposable
{
    private readonly TestCertificates _certificates = new();

    public void Dispose() => _certificates.Dispose();

    [Theory]
    [InlineData("cn:gw-1.site-a", true)]
    [InlineData("cn:gw-1.site-b", false)]
    [InlineData("cn:GW-1.site-a", false)]
    [InlineData("dns:gw-1.site-a.example", true)]
    [InlineData("dns:GW-1.SITE-A.example", true)]
    [InlineData("dns:gw-2.site-a.example", false)]
    [InlineData("uri:spiffe://fastav/site-a/gw", true)]
    [InlineData("uri:spiffe://fastav/site-b/gw", false)]
    [InlineData("email:gw@site-a.example", false)]
    [InlineData("subject:CN=gw-1.site-a, O=Site A", true)]
    [InlineData("subject:CN=gw-1.site-a,O=Site A", true)]
    [InlineData("subject:CN=gw-1.site-a", false)]
    public void Names_match_the_subject_and_its_alternative_names(string text, bool matches)
    {
        var name = CertificateName.Parse(text, out var problem);
        Assert.Null(problem);
        using var certificate = _certificates.Load(_certificates.SiteACertificatePath, _certificates.SiteAKeyPath);
        Assert.Equal(matches, name!.Matches(certificate));
    }

    [Theory]
    [InlineData("gw-1")]
    [InlineData("cn:")]
    [InlineData("ip:10.0.0.1")]
    [InlineData("subject:not a name===")]
    public void Bad_names_are_refused(string text)
    {
        Assert.Null(CertificateName.Parse(text, out var problem));
        Assert.NotNull(problem);
    }
}
