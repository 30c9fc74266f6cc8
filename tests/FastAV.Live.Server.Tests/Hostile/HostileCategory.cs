namespace FastAV.Live.Server.Tests.Hostile;

/// <summary>The kinds of malformed input the hostile-input suite sends.</summary>
public enum HostileCategory
{
    LengthBeyondBody,
    TruncatedLengthPrefix,
    OversizedLength,
    CompressedWithoutEncoding,
    BadCompressedFlag,
    UnsupportedEncoding,
    CorruptCompressedData,
    CompressionBomb,
    GarbageProtobuf,
    WrongContentType,
    NonPostMethod,
    UnknownPath,
    BadTimeout,
    EmptyRequest,
    ExtraUnaryMessages,
    ClientReset,
    ContentLengthMismatch,
    MalformedRequestHeaders,
    Http2ProtocolViolation,
    DroppedMidFrame,
    GarbageBytes,
    Http1OnH2cPort,
    Http1GrpcRequest,
}
