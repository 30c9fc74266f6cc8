using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using FastAV.Live.Models.Tokenization;

namespace FastAV.Live.Models.Tests.Tokenization;

/// <summary>
/// Shared by the parity tests: the corpus, our tokenizer over the real Qwen tokenizer.json, and the reference
/// implementation's answers from one node process for the whole corpus.
/// </summary>
public sealed class QwenReference
{
    public QwenReference()
    {
        if (!File.Exists(RepositoryLayout.QwenTokenizerJson))
        {
            throw new InvalidOperationException(
                $"{RepositoryLayout.QwenTokenizerJson} is missing: run `npm ci` in {RepositoryLayout.NodeDirectory} (scripts/setup.sh does)");
        }

        Corpus = TokenizerCorpus.Build();
        Tokenizer = BpeTokenizer.Load(RepositoryLayout.QwenTokenizerJson);
        Answers = RunNode(Corpus);
    }

    public List<string> Corpus { get; }

    public BpeTokenizer Tokenizer { get; }

    public List<(int[] Ids, string Text, string Nfc)> Answers { get; }

    private static List<(int[], string, string)> RunNode(List<string> corpus)
    {
        var input = Path.Combine(Path.GetTempPath(), $"fastav-tokenizer-corpus-{Environment.ProcessId}-{Guid.NewGuid():N}.json");
        File.WriteAllText(input, ToAsciiJson(corpus));
        try
        {
            var start = new ProcessStartInfo("node")
            {
                WorkingDirectory = RepositoryLayout.NodeDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                StandardOutputEncoding = Encoding.UTF8,
            };
            start.ArgumentList.Add("tokenize_reference.cjs");
            start.ArgumentList.Add(input);
            using var node = Process.Start(start) ?? throw new InvalidOperationException("could not start node");
            var stdout = node.StandardOutput.ReadToEndAsync();
            var stderr = node.StandardError.ReadToEndAsync();
            if (!node.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                node.Kill();
                throw new TimeoutException("the node reference tokenizer did not finish in 2 minutes");
            }

            if (node.ExitCode != 0)
            {
                throw new InvalidOperationException($"node reference tokenizer exited {node.ExitCode}: {stderr.Result}");
            }

            using var doc = JsonDocument.Parse(stdout.Result);
            var answers = new List<(int[], string, string)>();
            foreach (var e in doc.RootElement.EnumerateArray())
            {
                var ids = e.GetProperty("ids").EnumerateArray().Select(x => x.GetInt32()).ToArray();
                answers.Add((ids, e.GetProperty("text").GetString()!, e.GetProperty("nfc").GetString()!));
            }

            return answers;
        }
        finally
        {
            File.Delete(input);
        }
    }

    // Every non-ASCII UTF-16 unit as \uXXXX, so lone surrogates reach JavaScript unchanged.
    private static string ToAsciiJson(List<string> corpus)
    {
        var sb = new StringBuilder("[");
        for (var i = 0; i < corpus.Count; i++)
        {
            sb.Append(i == 0 ? "\"" : ",\"");
            foreach (var c in corpus[i])
            {
                if (c is >= ' ' and < (char)127 and not '"' and not '\\')
                {
                    sb.Append(c);
                }
                else
                {
                    sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                }
            }

            sb.Append('"');
        }

        return sb.Append(']').ToString();
    }
}
