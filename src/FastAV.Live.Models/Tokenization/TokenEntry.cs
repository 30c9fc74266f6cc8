namespace FastAV.Live.Models.Tokenization;

/// <summary>What an id decodes to: the bytes of a byte-level vocabulary token, or an added token's text.</summary>
internal sealed record TokenEntry(byte[] Bytes, AddedToken? Added);
