using System.Globalization;

namespace FastAV.Live.InteropHost;

/// <summary>
/// Command line of the interop host, with the official interop flag names:
/// server: --port N; client: --client --server_host H --server_port N --test_case NAME|all (comma lists too).
/// Flags take "--name value" or "--name=value".
/// </summary>
public sealed record InteropArguments(bool ClientMode, int Port, string ServerHost, int ServerPort, string TestCase)
{
    public static InteropArguments Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var client = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Unexpected argument '{arg}'.");
            }

            var name = arg[2..];
            string value;
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }
            else if (name == "client")
            {
                client = true;
                continue;
            }
            else if (i + 1 < args.Count)
            {
                value = args[++i];
            }
            else
            {
                throw new ArgumentException($"--{name} needs a value.");
            }

            values[name] = value;
        }

        foreach (var name in values.Keys)
        {
            if (name is not ("port" or "server_host" or "server_port" or "test_case" or "use_tls"))
            {
                throw new ArgumentException($"Unknown flag --{name}.");
            }
        }

        if (values.TryGetValue("use_tls", out var tls) && tls is not ("false" or "0"))
        {
            throw new ArgumentException("TLS is not supported by the interop host (--use_tls=false).");
        }

        return client
            ? new InteropArguments(true, 0, values.GetValueOrDefault("server_host", "127.0.0.1"), ParsePort(values, "server_port", required: true), values.GetValueOrDefault("test_case", "all"))
            : new InteropArguments(false, ParsePort(values, "port", required: true), "", 0, "");
    }

    private static int ParsePort(Dictionary<string, string> values, string name, bool required)
    {
        if (!values.TryGetValue(name, out var text))
        {
            return required ? throw new ArgumentException($"--{name} is required.") : 0;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new ArgumentException($"--{name} '{text}' is not a port number (0-65535).");
        }

        return port;
    }
}
