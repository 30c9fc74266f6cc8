using FastAV.Live.Server.Hosting;

// fastav --help | fastav VERB --help   (every option of the verb and its default)
// fastav [serve] [--model DIR|none] [--urls http://127.0.0.1:50051] [--Server:CertificatePath cert.pfx] [--Grpc:MaxReceiveMessageSize N] ...
// fastav tokenize --tokenizer PATH [--decode]   (text lines on stdin → JSON arrays of token ids)
// fastav eval [--model DIR] (--set DIR | [--seed N] --count N) [--out DIR] [--name NAME]   (accuracy vs FLOPs per pruning setting)
// fastav calibrate --model DIR (--set DIR | [--seed N] --count N) [--mass X] [--layer K] [--write-model]   (rollout → global keep rule)
var verb = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "serve";
if (verb == "help" || (args.Length > 0 && args[0] is "--help" or "-h"))
{
    await Console.Out.WriteAsync(FastAV.Live.Server.Verbs.ServeHelp.Text(withVerbs: true));
    return 0;
}

if (verb == "serve" && args.Any(a => a is "--help" or "-h"))
{
    await Console.Out.WriteAsync(FastAV.Live.Server.Verbs.ServeHelp.Text(withVerbs: false));
    return 0;
}

if (verb == "tokenize")
{
    return await FastAV.Live.Server.Verbs.TokenizeVerb.RunAsync(args[1..], Console.In, Console.Out, Console.Error);
}

if (verb == "eval")
{
    return await FastAV.Live.Server.Verbs.EvalVerb.RunAsync(args[1..], Console.Out, Console.Error);
}

if (verb == "calibrate")
{
    return await FastAV.Live.Server.Verbs.CalibrateVerb.RunAsync(args[1..], Console.Out, Console.Error);
}

if (verb != "serve")
{
    await Console.Error.WriteLineAsync($"fastav: unknown verb '{verb}'. Verbs available: serve, tokenize, eval, calibrate (fastav --help).");
    return 2;
}

WebApplication app;
try
{
    app = ServerHost.Build(args.SkipWhile(a => a == "serve").ToArray());
}
catch (InvalidOperationException ex)
{
    // Bad configuration: one clear line naming the setting, not a stack trace.
    await Console.Error.WriteLineAsync($"fastav: {ex.Message}");
    return 2;
}

await app.RunAsync();
return 0;
