using FastAV.Live.Client;
using FastAV.Live.Media;
using Grpc.Core;

namespace FastAV.Live.Cli;

/// <summary>Parses the command line, runs its verb and turns every failure into one message on stderr and an exit code (<see cref="ExitCodes"/>).</summary>
public static class CliRunner
{
    public static async Task<int> RunAsync(
        IReadOnlyList<string> args, TextWriter output, TextWriter error, Func<string, string?> environment, bool interactive, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (CliArguments.HelpRequested(args) is { } verb)
        {
            await output.WriteLineAsync(CliArguments.UsageOf(verb)).ConfigureAwait(false);
            return ExitCodes.Ok;
        }

        CliArguments parsed;
        try
        {
            parsed = CliArguments.Parse(args, environment);
        }
        catch (CliUsageException ex)
        {
            await error.WriteLineAsync($"fastav-cli: {ex.Message}\n{CliArguments.Usage}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        try
        {
            using var client = LiveAnalyticsClient.Create(
                parsed.Server,
                new LiveClientOptions
                {
                    BearerToken = parsed.Token,
                    CallTimeout = parsed.Timeout ?? TimeSpan.FromSeconds(30),
                    StreamTimeout = parsed.Timeout,
                    CaCertificatePath = parsed.CaCertificatePath,
                    ClientCertificatePath = parsed.ClientCertificatePath,
                    ClientCertificateKeyPath = parsed.ClientCertificateKeyPath,
                    Headers = parsed.Tenant is { } tenant ? [new("x-fastav-tenant", tenant)] : [],
                });
            var live = interactive && !parsed.Plain;
            return parsed.Verb switch
            {
                "stream" => await new StreamVerb(client, parsed, output, live).RunAsync(stop).ConfigureAwait(false),
                "ask" => await QueryVerbs.AskAsync(client, parsed, output, stop).ConfigureAwait(false),
                "ls" => await QueryVerbs.ListAsync(client, parsed, output, live, stop).ConfigureAwait(false),
                _ => await QueryVerbs.GetAsync(client, parsed, output, live, stop).ConfigureAwait(false),
            };
        }
        catch (RpcException ex)
        {
            await error.WriteLineAsync($"fastav-cli: {StatusNames.Of(ex.StatusCode)}: {ex.Status.Detail}").ConfigureAwait(false);
            return ex.StatusCode == StatusCode.OK ? ExitCodes.MediaError : (int)ex.StatusCode;
        }
        catch (SourceOpenException ex)
        {
            await error.WriteLineAsync($"fastav-cli: cannot open '{ex.Location}': {ex.InnerException?.Message}").ConfigureAwait(false);
            return ExitCodes.NoInput;
        }
        catch (MediaException ex)
        {
            await error.WriteLineAsync($"fastav-cli: reading media failed: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.MediaError;
        }
        catch (ArgumentException ex)
        {
            await error.WriteLineAsync($"fastav-cli: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
    }
}
