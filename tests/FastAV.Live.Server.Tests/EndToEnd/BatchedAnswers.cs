using FastAV.Live.Contracts.V1;

namespace FastAV.Live.Server.Tests.EndToEnd;

/// <summary>
/// Compares a stream's answers across runs whose engine steps batched it with different streams: every field exactly
/// but the wall-clock latencies, and the probabilities within 1e-4 — a forward batched with whichever streams shared
/// the step equals the one-stream forward to 1e-5, not bitwise (the engine's batching contract).
/// </summary>
internal static class BatchedAnswers
{
    /// <summary>The answers in order, their wall-clock latencies and probabilities cleared (compared apart, <see cref="AssertProbabilitiesClose"/>).</summary>
    public static List<Answer> Comparable(IEnumerable<StreamResponse> responses) =>
        responses.Where(r => r.Answer is not null).Select(r =>
        {
            var a = r.Answer.Clone();
            (a.LatencyUs, a.FirstTokenLatencyUs) = (0, 0);
            (a.Confidence, a.MinTokenProbability) = (0, 0);
            return a;
        }).ToList();

    public static void AssertProbabilitiesClose(IEnumerable<StreamResponse> expected, IEnumerable<StreamResponse> actual)
    {
        var e = expected.Where(r => r.Answer is not null).Select(r => r.Answer).ToList();
        var a = actual.Where(r => r.Answer is not null).Select(r => r.Answer).ToList();
        Assert.Equal(e.Count, a.Count);
        for (var i = 0; i < e.Count; i++)
        {
            Assert.InRange(a[i].Confidence, e[i].Confidence - 1e-4f, e[i].Confidence + 1e-4f);
            Assert.InRange(a[i].MinTokenProbability, e[i].MinTokenProbability - 1e-4f, e[i].MinTokenProbability + 1e-4f);
        }
    }
}
