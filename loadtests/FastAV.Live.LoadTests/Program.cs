using FastAV.Live.LoadTests.Cli;

// fastav-load SCENARIO [--target HOST:PORT] [--out DIR] [options]: see Usage.cs or --help.
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
return await LoadCommand.RunAsync(args, Console.Out, Console.Error, liveView: !Console.IsOutputRedirected, cancel.Token);
