namespace FastAV.Live.Models.Tokenization;

/// <summary>
/// A token of tokenizer.json's added_tokens: matched in the raw text before normalization and BPE.
/// Special ones (<c>&lt;|im_start|&gt;</c>) can be skipped when decoding. Lstrip/Rstrip eat the whitespace
/// beside the token.
/// </summary>
public sealed record AddedToken(int Id, string Content, bool Special, bool Lstrip = false, bool Rstrip = false);
