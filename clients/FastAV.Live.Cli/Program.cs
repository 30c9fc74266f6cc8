using FastAV.Live.Cli;

// fastav-cli stream|ask|ls|get ... — see CliArguments for the grammar, ExitCodes for what the exit code means.
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // First Ctrl+C: stop sending and end the stream cleanly; a second one kills the process.
    e.Cancel = !stop.IsCancellationRequested;
    stop.Cancel();
};
var interactive = !Console.IsOutputRedirected && Spectre.Console.AnsiConsole.Profile.Capabilities.Interactive;
return await CliRunner.RunAsync(args, Console.Out, Console.Error, Environment.GetEnvironmentVariable, interactive, stop.Token);
