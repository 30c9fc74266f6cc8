using FastAV.Live.Server.Tenants;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastAV.Live.Server.Tests.Tenants;

/// <summary>
/// The check /metrics and /dashboard (the side HTTP port) call: the same keys and certificates as gRPC calls, 401 with
/// WWW-Authenticate without a valid one, 403 without the roles, everything allowed on an open server.
/// </summary>
public sealed class HttpCallerCheckTests : IDisposable
{
    private readonly TenantsFileWriter _file = new();
    private readonly TestCertificates _certificates = new();

    public void Dispose()
    {
        _file.Dispose();
        _certificates.Dispose();
    }

    [Theory]
    [InlineData(null, 401, "authentication: no credentials")]
    [InlineData("Bearer nope", 401, "authentication: unknown API key")]
    [InlineData("Token key-ops", 401, "authentication: the authorization header must be")]
    [InlineData("Bearer key-reader", 403, "GET /metrics needs role 'read, admin'; tenant 'reader' has read")]
    [InlineData("Bearer key-site-a", 403, "GET /metrics needs role 'read, admin'; tenant 'site-a' has stream, ask, read")]
    [InlineData("Bearer key-ops", 200, "")]
    public async Task Server_views_need_read_and_admin(string? authorization, int expected, string reason)
    {
        var check = Check(_file.Path);
        var context = Request(authorization);
        var (code, why, caller) = check.Check(context, HttpCallerCheck.ServerViews);
        Assert.Equal(expected, code);
        Assert.StartsWith(reason, why, StringComparison.Ordinal);
        Assert.Equal(expected == 200, caller?.Tenant.Name == "ops");

        var allowed = await check.AllowAsync(context, HttpCallerCheck.ServerViews);
        Assert.Equal(expected == 200, allowed);
        if (!allowed)
        {
            Assert.Equal(expected, context.Response.StatusCode);
            Assert.Equal(expected == 401 ? "Bearer" : null, context.Response.Headers.WWWAuthenticate.FirstOrDefault());
            context.Response.Body.Position = 0;
            Assert.StartsWith(reason, await new StreamReader(context.Response.Body).ReadToEndAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_mapped_client_certificate_is_a_credential_too()
    {
        _file.Write(TenantsFileWriter.Standard(TenantsFileWriter.Tenant("gateway", ["read", "admin"], certificates: ["cn:gw-1.site-a"])));
        var context = Request(null);
        context.Connection.ClientCertificate = _certificates.Load(_certificates.SiteACertificatePath, _certificates.SiteAKeyPath);
        var (code, _, caller) = Check(_file.Path).Check(context, HttpCallerCheck.ServerViews);
        Assert.Equal(200, code);
        Assert.Equal(CallerCredential.ClientCertificate, caller!.Credential);
        Assert.Equal("gateway", caller.Tenant.Name);
    }

    [Fact]
    public void Two_authorization_headers_are_refused_even_if_one_is_good()
    {
        var context = Request(null);
        context.Request.Headers.Authorization = new Microsoft.Extensions.Primitives.StringValues(["Bearer key-ops", "Bearer nope"]);
        var (code, why, caller) = Check(_file.Path).Check(context, HttpCallerCheck.ServerViews);
        Assert.Equal(401, code);
        Assert.Equal("authentication: more than one authorization header", why);
        Assert.Null(caller);
    }

    [Fact]
    public void An_open_server_allows_every_request()
    {
        var (code, _, caller) = Check(null).Check(Request(null), HttpCallerCheck.ServerViews);
        Assert.Equal(200, code);
        Assert.Equal(Caller.Open, caller);
    }

    private static HttpCallerCheck Check(string? file) =>
        new(new CallerAuthenticator(new TenantDirectory(new AuthOptions { ApiKeysFile = file }, NullLogger<TenantDirectory>.Instance)));

    private static DefaultHttpContext Request(string? authorization)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Path = "/metrics";
        context.Response.Body = new MemoryStream();
        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }

        return context;
    }
}
