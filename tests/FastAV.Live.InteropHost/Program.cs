using FastAV.Live.InteropHost;

// Server: dotnet run --project tests/FastAV.Live.InteropHost -- --port N
// Client: dotnet run --project tests/FastAV.Live.InteropHost -- --client --server_port N --test_case all
InteropArguments arguments;
try
{
    arguments = InteropArguments.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine("usage: --port N | --client --server_host H --server_port N --test_case NAME|all");
    return 2;
}

if (arguments.ClientMode)
{
    return await InteropClient.RunAsync(arguments.ServerHost, arguments.ServerPort, arguments.TestCase, Console.Out).ConfigureAwait(false);
}

var app = await InteropServer.StartAsync(arguments.Port).ConfigureAwait(false);
Console.WriteLine($"listening on 127.0.0.1:{InteropServer.BoundPort(app)}");
await app.WaitForShutdownAsync().ConfigureAwait(false);
return 0;
