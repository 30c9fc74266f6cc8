namespace FastAV.Live.Client.Tests;

/// <summary>Client options and addresses: bad values fail at construction with the property named.</summary>
public sealed class LiveClientOptionsTests
{
    [Theory]
    [InlineData("two words")]
    [InlineData("")]
    [InlineData("line\nbreak")]
    [InlineData("ünicode")]
    public void A_bearer_token_that_cannot_be_a_header_value_is_refused(string token)
    {
        var ex = Assert.Throws<ArgumentException>(() => new LiveClientOptions { BearerToken = token }.Validate());
        Assert.Equal("BearerToken", ex.ParamName);
    }

    [Theory]
    [InlineData("X-Upper", "v")]
    [InlineData("", "v")]
    [InlineData("trace-bin", "v")]
    [InlineData("x-tenant", "bad\u0001value")]
    public void Headers_must_be_lower_case_ascii_text_headers(string key, string value)
    {
        var ex = Assert.Throws<ArgumentException>(() => new LiveClientOptions { Headers = [new(key, value)] }.Validate());
        Assert.Equal("Headers", ex.ParamName);
    }

    [Fact]
    public void Timeouts_must_be_positive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LiveClientOptions { CallTimeout = TimeSpan.Zero }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new LiveClientOptions { StreamTimeout = TimeSpan.FromSeconds(-1) }.Validate());
        new LiveClientOptions { StreamTimeout = null, BearerToken = "abc.DEF-123" }.Validate();
    }

    [Theory]
    [InlineData("127.0.0.1:50051")]
    [InlineData("ftp://127.0.0.1:50051")]
    [InlineData("not a url")]
    [InlineData("   ")]
    public void Create_refuses_an_address_that_is_not_an_http_url(string address)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => LiveAnalyticsClient.Create(address));
        Assert.Equal("address", ex.ParamName);
    }

    [Fact]
    public async Task A_non_positive_per_call_timeout_is_refused_before_any_call()
    {
        using var client = LiveAnalyticsClient.Create("http://127.0.0.1:1");
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.GetStreamAsync("x", TimeSpan.Zero));
    }
}
