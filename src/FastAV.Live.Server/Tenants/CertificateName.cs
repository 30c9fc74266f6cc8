using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FastAV.Live.Server.Tenants;

/// <summary>
/// One way the tenants file names client certificates: "cn:NAME" (the subject's common name), "dns:HOST", "uri:URI",
/// "email:ADDRESS" (subject alternative names) or "subject:DN" (the whole subject, compared in .NET's formatting, e.g.
/// "CN=gw-1, O=Site A"). Only certificates that already chained to Server:ClientCertificateCaPath get this far.
/// </summary>
public sealed record CertificateName(string Kind, string Value)
{
    public static readonly IReadOnlyList<string> Kinds = ["cn", "dns", "uri", "email", "subject"];

    /// <summary>Null when <paramref name="text"/> is not "kind:value" with a known kind and a non-empty value; <paramref name="problem"/> says why.</summary>
    public static CertificateName? Parse(string text, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var kind = colon < 0 ? "" : text[..colon];
        var value = colon < 0 ? "" : text[(colon + 1)..].Trim();
        if (!Kinds.Contains(kind) || value.Length == 0)
        {
            problem = $"must be one of {string.Join(", ", Kinds.Select(k => k + ":…"))}, got {Streams.IdentifierRules.Quote(text)}";
            return null;
        }

        if (kind == "subject")
        {
            try
            {
                value = new X500DistinguishedName(value).Format(false);
            }
            catch (CryptographicException)
            {
                problem = $"is not a distinguished name (e.g. \"subject:CN=gw-1, O=Site A\"), got {Streams.IdentifierRules.Quote(text)}";
                return null;
            }
        }

        problem = null;
        return new CertificateName(kind, value);
    }

    public bool Matches(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Kind switch
        {
            "cn" => certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false) == Value,
            "subject" => certificate.SubjectName.Format(false) == Value,
            "dns" => AlternativeNames(certificate, DnsTag).Any(n => string.Equals(n, Value, StringComparison.OrdinalIgnoreCase)),
            "uri" => AlternativeNames(certificate, UriTag).Any(n => n == Value),
            "email" => AlternativeNames(certificate, EmailTag).Any(n => string.Equals(n, Value, StringComparison.OrdinalIgnoreCase)),
            _ => false,
        };
    }

    public override string ToString() => $"{Kind}:{Value}";

    // GeneralName choices (RFC 5280 §4.2.1.6): rfc822Name [1], dNSName [2], uniformResourceIdentifier [6], all IA5String.
    private static readonly Asn1Tag EmailTag = new(TagClass.ContextSpecific, 1);
    private static readonly Asn1Tag DnsTag = new(TagClass.ContextSpecific, 2);
    private static readonly Asn1Tag UriTag = new(TagClass.ContextSpecific, 6);

    private static List<string> AlternativeNames(X509Certificate2 certificate, Asn1Tag tag)
    {
        var names = new List<string>();
        foreach (var extension in certificate.Extensions)
        {
            if (extension.Oid?.Value != "2.5.29.17")
            {
                continue;
            }

            try
            {
                var sequence = new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadSequence();
                while (sequence.HasData)
                {
                    var next = sequence.PeekTag();
                    if (next.HasSameClassAndValue(tag))
                    {
                        names.Add(sequence.ReadCharacterString(UniversalTagNumber.IA5String, tag));
                    }
                    else
                    {
                        sequence.ReadEncodedValue();
                    }
                }
            }
            catch (AsnContentException)
            {
                // A malformed extension names nothing; the certificate still matches by its other names.
            }
        }

        return names;
    }
}
