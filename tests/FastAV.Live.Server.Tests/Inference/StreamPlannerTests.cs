using FastAV.Live.Contracts.V1;
using Grpc.Core;
using Grpc.Net.Client;
using FastAV.Live.Server.Inference;
using FastAV.Live.Server.Streams;

namespace FastAV.Live.Server.Tests.Inference;

/// <summary>A stream's contract settings → engine objects for the embedded model, or a status naming the field.</summary>
public sealed class StreamPlannerTests
{
    private static (Status Status, StreamPlan? Plan) Plan(Action<StreamOpen>? edit = null, InferenceOptions? options = null)
    {
        var open = StreamMessages.Open("plan");
        edit?.Invoke(open);
        var status = StreamPlanner.Plan(TinyModel.Model, open, StreamSettings.Resolve(open, new LiveAnalyticsOptions()), options ?? new InferenceOptions(), out var plan);
        return (status, plan);
    }

    [Fact]
    public void TheDefaultBudgetIsTheContextTheModelWasTrainedOn()
    {
        var (status, plan) = Plan();
        Assert.Equal(StatusCode.OK, status.StatusCode);
        var model = TinyModel.Model;
        Assert.Equal(model.Prompt.StreamPrefix.Length + (model.Manifest.TrainedWindows!.Value * model.TokensPerWindow), plan!.Cache.Budget.MaxTokens);
        Assert.Equal(PruningPolicy.Fastav, plan.Policy);
        Assert.Equal((1.0, 2, 4, 5), (plan.Session.WindowSeconds, plan.Session.FramesPerWindow, plan.Session.TokensPerFrame, plan.Session.AudioTokensPerWindow));
        Assert.Equal(200, Plan(o => o.KvCache = new KvCacheConfig { MaxTokensPerLayer = 200 }).Plan!.Cache.Budget.MaxTokens);
        Assert.Equal(300, Plan(options: new InferenceOptions { DefaultKvTokensPerLayer = 300 }).Plan!.Cache.Budget.MaxTokens);
    }

    [Theory]
    [InlineData(PruningPolicy.None)]
    [InlineData(PruningPolicy.Fastav)]
    [InlineData(PruningPolicy.Random)]
    [InlineData(PruningPolicy.LowAttentive)]
    [InlineData(PruningPolicy.Fastv)]
    [InlineData(PruningPolicy.Dart)]
    [InlineData(PruningPolicy.Divprune)]
    [InlineData(PruningPolicy.Metok)]
    public void EveryLivePolicyGetsARunner(PruningPolicy policy)
    {
        var (status, plan) = Plan(o => o.Pruning = new PruningConfig { Policy = policy });
        Assert.Equal(StatusCode.OK, status.StatusCode);
        Assert.Equal(policy, plan!.Policy);
        Assert.Equal(TinyModel.Model.Decoder.Config.LayerCount, plan.Runner.LayerCount);
    }

    [Theory]
    [InlineData(PruningPolicy.Fastervlm)]
    [InlineData(PruningPolicy.Transprune)]
    [InlineData(PruningPolicy.Lazyllm)]
    public void OfflinePoliciesAreUnimplementedForLiveStreams(PruningPolicy policy)
    {
        var (status, plan) = Plan(o => o.Pruning = new PruningConfig { Policy = policy });
        Assert.Equal(StatusCode.Unimplemented, status.StatusCode);
        Assert.Contains("not available for live streams", status.Detail, StringComparison.Ordinal);
        Assert.Null(plan);
    }

    [Fact]
    public void SettingsTheModelCannotHonourNameTheirField()
    {
        Assert.StartsWith("StreamOpen.window_ms: the model fastav-tiny works on 1000 ms windows", Plan(o => o.WindowMs = 500).Status.Detail, StringComparison.Ordinal);
        Assert.StartsWith("StreamOpen.pruning.global_layer: must be within 1..3", Plan(o => o.Pruning = new PruningConfig { Policy = PruningPolicy.Fastav, GlobalLayer = 4 }).Status.Detail, StringComparison.Ordinal);
        var tooBig = Plan(o => o.KvCache = new KvCacheConfig { MaxTokensPerLayer = 100_000 }).Status;
        Assert.Equal((StatusCode.InvalidArgument, true), (tooBig.StatusCode, tooBig.Detail.StartsWith("StreamOpen.kv_cache.max_tokens_per_layer: the model fastav-tiny holds at most", StringComparison.Ordinal)));
        Assert.StartsWith("StreamOpen.kv_cache.max_tokens_per_layer: must hold at least the prompt and one window", Plan(o => o.KvCache = new KvCacheConfig { MaxTokensPerLayer = 5 }).Status.Detail, StringComparison.Ordinal);
        Assert.StartsWith("StreamOpen.kv_cache.max_kv_bytes:", Plan(o => o.KvCache = new KvCacheConfig { MaxKvBytes = 1000 }).Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.InvalidArgument, Plan(options: new InferenceOptions { QuestionReserveTokens = 1020 }).Status.StatusCode);
    }
}
