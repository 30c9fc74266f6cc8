using FastAV.Live.Grpc.Wire;

namespace FastAV.Live.Grpc.Tests.Wire;

public sealed class StatusMappingTests
{
    [Theory]
    [InlineData(400, StatusCode.Internal)]
    [InlineData(401, StatusCode.Unauthenticated)]
    [InlineData(403, StatusCode.PermissionDenied)]
    [InlineData(404, StatusCode.Unimplemented)]
    [InlineData(429, StatusCode.Unavailable)]
    [InlineData(502, StatusCode.Unavailable)]
    [InlineData(503, StatusCode.Unavailable)]
    [InlineData(504, StatusCode.Unavailable)]
    [InlineData(500, StatusCode.Unknown)]
    [InlineData(415, StatusCode.Unknown)]
    public void Http_statuses_map_as_the_spec_says(int http, StatusCode expected) =>
        Assert.Equal(expected, HttpStatusMapping.ToStatusCode(http));

    [Theory]
    [InlineData(0x0, StatusCode.Internal)]
    [InlineData(0x1, StatusCode.Internal)]
    [InlineData(0x2, StatusCode.Internal)]
    [InlineData(0x7, StatusCode.Unavailable)]
    [InlineData(0x8, StatusCode.Cancelled)]
    [InlineData(0xB, StatusCode.ResourceExhausted)]
    [InlineData(0xC, StatusCode.PermissionDenied)]
    public void Http2_reset_codes_map_as_the_spec_says(long code, StatusCode expected) =>
        Assert.Equal(expected, Http2ErrorMapping.ToStatusCode(code));

    [Theory]
    [InlineData("application/grpc", true)]
    [InlineData("application/grpc+proto", true)]
    [InlineData("application/grpc;charset=utf-8", true)]
    [InlineData("APPLICATION/GRPC", true)]
    [InlineData("application/grpcx", false)]
    [InlineData("application/json", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Grpc_content_types_are_recognised(string? contentType, bool expected) =>
        Assert.Equal(expected, GrpcProtocol.IsGrpcContentType(contentType));

    [Fact]
    public void Metadata_rejects_bad_keys_and_values()
    {
        Assert.Throws<ArgumentException>(() => new Metadata.Entry("Bad Key", "v"));
        Assert.Throws<ArgumentException>(() => new Metadata.Entry("key", "caf\u00e9"));
        Assert.Throws<ArgumentException>(() => new Metadata.Entry("key-bin", "text"));
        Assert.Throws<ArgumentException>(() => new Metadata.Entry("key", [1]));
        Assert.Equal("upper", new Metadata.Entry("UPPER", "v").Key);
    }

    [Theory]
    [InlineData("AQID", new byte[] { 1, 2, 3 })]
    [InlineData("AQI", new byte[] { 1, 2 })]
    [InlineData("AQI=", new byte[] { 1, 2 })]
    [InlineData("AQ,Ag", new byte[] { 1, 2 })]
    public void Binary_metadata_accepts_padded_and_unpadded_base64(string value, byte[] expected) =>
        Assert.Equal(expected, Base64Value.Decode(value));
}
