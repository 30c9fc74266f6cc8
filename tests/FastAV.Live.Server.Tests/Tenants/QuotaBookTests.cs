using FastAV.Live.Server.Tenants;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FastAV.Live.Server.Tests.Tenants;

/// <summary>The rate quotas' book: a tenant's bucket and the server's together, limits from the tenants in force.</summary>
public sealed class QuotaBookTests : IDisposable
{
    private readonly FakeTimeProvider _clock = new();
    private readonly TenantsFileWriter _file = new(TenantsFileWriter.File(
        TenantsFileWriter.Tenant("metered", ["ask"], new() { ["maxAsksPerSecond"] = 2, ["askBurst"] = 2 }),
        TenantsFileWriter.Tenant("slow", ["ask"], new() { ["maxAsksPerSecond"] = 0.1, ["askBurst"] = 2 }),
        TenantsFileWriter.Tenant("free", ["ask"])));

    public void Dispose() => _file.Dispose();

    [Fact]
    public void A_server_refusal_gives_the_tenants_token_back()
    {
        // slow: one Ask per 10 s, burst 2. The server: one per second, burst 1.
        var book = Book(new QuotaOptions { MaxAsksPerSecond = 1, AskBurst = 1 });
        Assert.Equal(StatusCode.OK, book.TryAsk("slow", "Ask").StatusCode);
        var refused = book.TryAsk("slow", "Ask");
        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Equal("Ask: quota asks_per_second of the server exceeded: 1 Ask calls per second, burst 1; retry after 1000 ms", refused.Detail);
        Assert.Null(QuotaRefusal.Of(refused)!.Tenant);

        // The refused Ask's tenant token came back: a second later the tenant still has one (without the refund it
        // would hold 0.1 and refuse for 9 s).
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(StatusCode.OK, book.TryAsk("slow", "Ask").StatusCode);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var tenantRefusal = book.TryAsk("slow", "Ask");
        Assert.Equal("slow", QuotaRefusal.Of(tenantRefusal)!.Tenant);
        Assert.Equal(TimeSpan.FromSeconds(8), QuotaRefusal.Of(tenantRefusal)!.RetryAfter);
    }

    [Fact]
    public void Tenants_have_buckets_of_their_own()
    {
        var book = Book(new QuotaOptions());
        Assert.Equal(StatusCode.OK, book.TryAsk("metered", "Ask").StatusCode);
        Assert.Equal(StatusCode.OK, book.TryAsk("metered", "Ask").StatusCode);
        Assert.Equal(StatusCode.ResourceExhausted, book.TryAsk("metered", "Ask").StatusCode);
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(StatusCode.OK, book.TryAsk("free", "Ask").StatusCode);
        }
    }

    [Fact]
    public void A_reloaded_file_changes_the_limits_and_keeps_the_tokens()
    {
        var directory = new TenantDirectory(new AuthOptions { ApiKeysFile = _file.Path }, NullLogger<TenantDirectory>.Instance);
        var book = new QuotaBook(directory, Options.Create(new QuotaOptions()), _clock);
        Assert.Equal(StatusCode.OK, book.TryAsk("metered", "Ask").StatusCode);
        Assert.Equal(StatusCode.OK, book.TryAsk("metered", "Ask").StatusCode);
        _file.Write(TenantsFileWriter.File(TenantsFileWriter.Tenant("metered", ["ask"], new() { ["maxAsksPerSecond"] = 10, ["askBurst"] = 5 })));
        Assert.True(directory.Reload());
        var refused = book.TryAsk("metered", "Ask");
        Assert.Equal("Ask: quota asks_per_second of tenant 'metered' exceeded: 10 Ask calls per second, burst 5; retry after 100 ms", refused.Detail);
        _clock.Advance(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(StatusCode.OK, book.TryAsk("metered", "Ask").StatusCode);
        }

        Assert.Equal(StatusCode.ResourceExhausted, book.TryAsk("metered", "Ask").StatusCode);
    }

    [Fact]
    public void The_standing_limit_is_the_lower_of_the_tenants_and_the_servers()
    {
        _file.Write(TenantsFileWriter.File(TenantsFileWriter.Tenant("low", ["stream"], new() { ["maxStandingQuestions"] = 2 }), TenantsFileWriter.Tenant("high", ["stream"], new() { ["maxStandingQuestions"] = 50 })));
        var directory = new TenantDirectory(new AuthOptions { ApiKeysFile = _file.Path }, NullLogger<TenantDirectory>.Instance);
        var book = new QuotaBook(directory, Options.Create(new QuotaOptions()), _clock);
        Assert.Equal((2, "low"), book.StandingQuestionLimit("low", 16));
        Assert.Equal((16, (string?)null), book.StandingQuestionLimit("high", 16));
        Assert.Equal((16, (string?)null), book.StandingQuestionLimit("gone", 16));
    }

    private QuotaBook Book(QuotaOptions server) =>
        new(new TenantDirectory(new AuthOptions { ApiKeysFile = _file.Path }, NullLogger<TenantDirectory>.Instance), Options.Create(server), _clock);
}
