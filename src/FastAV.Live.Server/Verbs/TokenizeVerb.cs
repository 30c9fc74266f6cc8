using System.Text.Json;
using FastAV.Live.Models.Tokenization;

namespace FastAV.Live.Server.Verbs;

/// <summary>
/// <c>fastav tokenize --tokenizer PATH [--decode]</c>: each stdin line → one JSON array of token ids (PATH is a
/// tokenizer.json or a model directory); with --decode each line is a JSON array of ids → its text.
/// Exit codes: 0 done, 1 a bad input line (reported with its line number), 2 bad usage or tokenizer.
/// </summary>
public static class TokenizeVerb
{
    public const string Usage = "usage: fastav tokenize --tokenizer PATH [--decode]  (text lines on stdin)";

    public const string Help = Usage + """

        Each line of stdin → one JSON array of token ids on stdout (for checking tokenizers from outside).
          --tokenizer PATH   a tokenizer.json, or a model directory holding one (required)
          --decode           the other way: each line a JSON array of ids → its text   default: off (encode)
          --help, -h         this help
        exit codes: 0 done, 1 a bad input line (named by its number), 2 bad usage or tokenizer

        """;

    public static async Task<int> RunAsync(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        if (VerbRun.AsksForHelp(args))
        {
            await stdout.WriteAsync(Help);
            return 0;
        }

        string? path = null;
        var decode = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--tokenizer" when i + 1 < args.Length:
                    path = args[++i];
                    break;
                case "--decode":
                    decode = true;
                    break;
                default:
                    await stderr.WriteLineAsync($"fastav tokenize: unexpected argument '{args[i]}'. {Usage}");
                    return 2;
            }
        }

        if (path is null)
        {
            await stderr.WriteLineAsync($"fastav tokenize: --tokenizer is required. {Usage}");
            return 2;
        }

        BpeTokenizer tokenizer;
        try
        {
            tokenizer = BpeTokenizer.Load(path);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or NotSupportedException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"fastav tokenize: {ex.Message}");
            return 2;
        }

        var lineNumber = 0;
        while (await stdin.ReadLineAsync() is { } line)
        {
            lineNumber++;
            if (!decode)
            {
                await stdout.WriteLineAsync("[" + string.Join(",", tokenizer.Encode(line)) + "]");
                continue;
            }

            try
            {
                var ids = JsonSerializer.Deserialize<int[]>(line) ?? throw new JsonException("null is not an array of ids");
                await stdout.WriteLineAsync(tokenizer.Decode(ids));
            }
            catch (Exception ex) when (ex is JsonException or ArgumentOutOfRangeException)
            {
                await stderr.WriteLineAsync($"fastav tokenize: line {lineNumber}: {ex.Message}");
                return 1;
            }
        }

        return 0;
    }
}
