using System.Text;
using Grpc.Core;

namespace FastAV.Live.Cli;

/// <summary>gRPC status codes as the protocol spells them (FAILED_PRECONDITION, not FailedPrecondition).</summary>
public static class StatusNames
{
    public static string Of(StatusCode code)
    {
        if (!Enum.IsDefined(code))
        {
            return "CODE_" + ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var name = code.ToString();
        if (name == "OK")
        {
            return name;
        }

        var upper = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i]))
            {
                upper.Append('_');
            }

            upper.Append(char.ToUpperInvariant(name[i]));
        }

        return upper.ToString();
    }
}
