using System.Diagnostics;
using FastAV.Live.Engine.Cache;
using FastAV.Live.Engine.Running;
using FastAV.Live.Engine.Sessions;
using FastAV.Live.Models.Composition;
using FastAV.Live.Torch;

namespace FastAV.Live.Server.Inference;

/// <summary>
/// Replays a recorded stream through the engine: the stream prefix, then windows 0..T−1 prefilled in order, and after
/// window t every question asked there, answered greedily over the cache as it is and rolled back. The runner carries
/// the pruning policies; the eviction policy and budget shape the cache.
/// </summary>
public sealed class StreamReplay
{
    private readonly AvModel _model;
    private readonly ModelRunner _runner;
    private readonly int _maxAnswerTokens;

    public StreamReplay(AvModel model, ModelRunner runner, int maxAnswerTokens = 8)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAnswerTokens, 1);
        _model = model;
        _runner = runner;
        _maxAnswerTokens = maxAnswerTokens;
    }

    /// <summary>Cache options for this model that never evict a stream of <paramref name="windows"/> windows.</summary>
    public RollingKvCacheOptions UnboundedCache(int windows)
    {
        var tokens = _model.Prompt.StreamPrefix.Length + (windows * _model.TokensPerWindow);
        var reserve = 128;
        return new RollingKvCacheOptions
        {
            LayerCount = _runner.LayerCount,
            BytesPerTokenPerLayer = _runner.Geometry.KvBytesPerTokenPerLayer(_runner.BytesPerElement),
            Budget = new KvBudget { MaxTokens = tokens },
            MaxPositions = (int)Math.Min(_model.Decoder.Config.MaxPositionEmbeddings, tokens + _model.TokensPerWindow + reserve),
            MaxBlockSpan = _model.TokensPerWindow,
            QuestionReserve = reserve,
        };
    }

    /// <summary>windows: [TokensPerWindow, hidden] each, in media order; questions in any order.</summary>
    public ReplayResult Run(IReadOnlyList<Tensor> windows, IReadOnlyList<ReplayQuestion> questions, RollingKvCacheOptions cache, IEvictionPolicy eviction)
    {
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentNullException.ThrowIfNull(questions);
        if (questions.Any(q => q.AfterWindow < 0 || q.AfterWindow >= windows.Count))
        {
            throw new ArgumentOutOfRangeException(nameof(questions), $"every question must come after one of the {windows.Count} windows");
        }

        var m = _model.Manifest;
        var session = new StreamSession("replay", new StreamSessionOptions
        {
            WindowSeconds = m.WindowSeconds,
            FramesPerWindow = m.FramesPerWindow,
            TokensPerFrame = m.TokensPerFrame,
            AudioTokensPerWindow = _model.Prompt.AudioTokens,
        });
        session.SetPrompt(_model.Prompt.StreamPrefix.Length);
        using var stream = _runner.CreateStream(cache, eviction);
        double flops = 0, baseline = 0, prefillMs = 0;
        long maxKv = 0;
        if (_model.Prompt.StreamPrefix.Length > 0)
        {
            _runner.PrefillPrompt(stream, Array.ConvertAll(_model.Prompt.StreamPrefix, id => (long)id));
        }

        var answers = new ReplayAnswer?[questions.Count];
        var stop = _model.Prompt.Stop;
        for (var t = 0; t < windows.Count; t++)
        {
            var window = session.AddWindow(t * m.WindowSeconds);
            session.TryTakePending(out _);
            var clock = Stopwatch.StartNew();
            var prefill = _runner.PrefillWindow(stream, windows[t], window);
            prefillMs += clock.Elapsed.TotalMilliseconds;
            maxKv = Math.Max(maxKv, stream.Cache.TotalBytes);
            flops += prefill.Flops.Flops;
            baseline += prefill.Flops.BaselineFlops;
            for (var i = 0; i < questions.Count; i++)
            {
                if (questions[i].AfterWindow != t)
                {
                    continue;
                }

                clock.Restart();
                var result = _runner.Answer(stream, Array.ConvertAll(questions[i].Ids, id => (long)id), _maxAnswerTokens, stop[0]);
                var ms = clock.Elapsed.TotalMilliseconds;
                flops += result.QuestionFlops.Flops + result.DecodeFlops.Flops;
                baseline += result.QuestionFlops.BaselineFlops + result.DecodeFlops.BaselineFlops;
                var tokens = result.Tokens.TakeWhile(id => !stop.Contains((int)id)).Select(id => (int)id).ToArray();
                answers[i] = new ReplayAnswer { Tokens = tokens, Text = _model.Tokenizer.Decode(tokens), LatencyMs = ms };
            }
        }

        return new ReplayResult
        {
            Answers = answers.Select(a => a!).ToArray(),
            Flops = flops,
            BaselineFlops = baseline,
            KvBytes = stream.Cache.TotalBytes,
            MaxKvBytes = maxKv,
            EvictedRows = stream.Cache.EvictedCount,
            WindowPrefillMs = windows.Count == 0 ? 0 : prefillMs / windows.Count,
        };
    }
}
