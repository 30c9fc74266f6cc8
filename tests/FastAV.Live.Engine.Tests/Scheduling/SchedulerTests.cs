using FastAV.Live.Engine.Scheduling;
using FastAV.Live.Engine.Sessions;

namespace FastAV.Live.Engine.Tests.Scheduling;

public sealed class SchedulerTests
{
    // 64 video + 25 audio + separator = 90 tokens per 1 s window.
    private static StreamSession Stream(string id, int windows)
    {
        var session = new StreamSession(id);
        for (var i = 0; i < windows; i++) session.AddWindow(i);
        return session;
    }

    [Fact]
    public void SixteenStreamsShareTheDeviceFairly()
    {
        var scheduler = new Scheduler(new SchedulerOptions { MaxBatchTokens = 270, MaxBacklogSeconds = 100 });
        var streams = Enumerable.Range(0, 16).Select(i => Stream($"cam-{i}", 20)).ToList();
        streams.ForEach(scheduler.AddStream);
        var served = new Dictionary<string, int>();
        var steps = 0;
        while (true)
        {
            var batch = scheduler.NextBatch();
            if (batch.IsEmpty) break;
            steps++;
            var expected = Math.Min(3, 16 * 20 - served.Values.Sum());
            Assert.Equal(expected, batch.WindowPrefills.Count);
            Assert.Equal(expected, batch.WindowPrefills.Select(w => w.Session.Id).Distinct().Count());
            foreach (var w in batch.WindowPrefills) served[w.Session.Id] = served.GetValueOrDefault(w.Session.Id) + 1;
            Assert.InRange(served.Values.Max() - (served.Count < 16 ? 0 : served.Values.Min()), 0, 1);
        }

        Assert.Equal(16 * 20 / 3 + 1, steps);
        Assert.All(streams, s => Assert.Equal(20, s.TakenWindowCount));
        Assert.All(streams, s => Assert.Equal(0, s.DroppedWindowCount));
    }

    [Fact]
    public void WindowsOfOneStreamKeepTheirOrder()
    {
        var scheduler = new Scheduler(new SchedulerOptions { MaxBatchTokens = 1000, MaxBacklogSeconds = 100 });
        scheduler.AddStream(Stream("a", 20));
        var order = new List<long>();
        for (var b = scheduler.NextBatch(); !b.IsEmpty; b = scheduler.NextBatch()) order.AddRange(b.WindowPrefills.Select(w => w.Window.Index));
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)i), order);
    }

    [Fact]
    public void AnswersGoBeforeIngestAndTheirStreamWaits()
    {
        var scheduler = new Scheduler(new SchedulerOptions { MaxBatchTokens = 200, MaxBacklogSeconds = 100 });
        scheduler.AddStream(Stream("a", 5));
        scheduler.AddStream(Stream("b", 5));
        var question = scheduler.SubmitQuestion("a", "q1", tokenCount: 30, maxNewTokens: 3);

        var first = scheduler.NextBatch();
        Assert.Equal([question], first.QuestionPrefills);
        Assert.Empty(first.DecodeSteps);
        Assert.Equal(["b"], first.WindowPrefills.Select(w => w.Session.Id)); // 170 left: one window, not of "a"
        Assert.Equal(QuestionState.Decoding, question.State);
        Assert.Equal(1, question.GeneratedCount); // the prefill yields the first token

        var second = scheduler.NextBatch();
        Assert.Equal([question], second.DecodeSteps);
        Assert.Equal(["b"], second.WindowPrefills.Select(w => w.Session.Id)); // room for two, but one window per stream per step
        scheduler.CompleteDecodeStep("q1", finished: false);

        var third = scheduler.NextBatch();
        Assert.Equal([question], third.DecodeSteps);
        scheduler.CompleteDecodeStep("q1", finished: false); // third token: MaxNewTokens reached
        Assert.Equal(QuestionState.Done, question.State);

        var fourth = scheduler.NextBatch();
        Assert.Empty(fourth.DecodeSteps);
        Assert.Contains(fourth.WindowPrefills, w => w.Session.Id == "a");
        Assert.Throws<InvalidOperationException>(() => scheduler.CompleteDecodeStep("q1", finished: true));
    }

    [Fact]
    public void AQuestionTakesTheStepWhenTheBudgetIsTight()
    {
        var scheduler = new Scheduler(new SchedulerOptions { MaxBatchTokens = 100, MaxBacklogSeconds = 100 });
        scheduler.AddStream(Stream("a", 3));
        scheduler.AddStream(Stream("b", 3));
        scheduler.SubmitQuestion("b", "q", 20, 10);
        var batch = scheduler.NextBatch();
        Assert.Single(batch.QuestionPrefills);
        Assert.Empty(batch.WindowPrefills); // 80 tokens left < 90 per window
    }

    [Fact]
    public void QuestionsOfOneStreamRunOneAtATime()
    {
        var scheduler = new Scheduler(new SchedulerOptions { MaxBatchTokens = 500 });
        scheduler.AddStream(Stream("a", 0));
        scheduler.SubmitQuestion("a", "q1", 10, 2);
        scheduler.SubmitQuestion("a", "q2", 10, 2);
        Assert.Equal(["q1"], scheduler.NextBatch().QuestionPrefills.Select(q => q.Id));
        var next = scheduler.NextBatch();
        Assert.Empty(next.QuestionPrefills);
        scheduler.CompleteDecodeStep("q1", finished: true);
        Assert.Equal(["q2"], scheduler.NextBatch().QuestionPrefills.Select(q => q.Id));
    }

    [Fact]
    public void AStreamBehindRealTimeDropsItsOldestWindowsAndCountsThem()
    {
        var scheduler = new Scheduler(new SchedulerOptions { MaxBatchTokens = 90, MaxBacklogSeconds = 3 });
        var late = Stream("late", 10);
        scheduler.AddStream(late);
        var batch = scheduler.NextBatch();
        Assert.Equal(7, batch.DroppedWindowCount);
        Assert.Equal(7, late.DroppedWindowCount);
        Assert.Equal(7, late.DroppedSeconds, 9);
        Assert.Equal([7L], batch.WindowPrefills.Select(w => w.Window.Index));

        // Keeping pace afterwards drops nothing more.
        late.AddWindow(10);
        Assert.Equal(0, scheduler.NextBatch().DroppedWindowCount);
        Assert.Equal(7, late.DroppedWindowCount);
    }

    [Fact]
    public void AFloodingStreamDropsItsOwnWindowsNeverAnothers()
    {
        // Each step one stream gets 20 s of media (a clock far ahead of real time), the other 1 s: the step carries one
        // window of each, the flood's backlog is cut to its own limit, the steady stream's window never waits.
        var scheduler = new Scheduler(new SchedulerOptions { MaxBatchTokens = 2048, MaxBacklogSeconds = 4 });
        var flood = new StreamSession("flood");
        var steady = new StreamSession("steady");
        scheduler.AddStream(flood);
        scheduler.AddStream(steady);
        for (var step = 0; step < 50; step++)
        {
            for (var i = 0; i < 20; i++) flood.AddWindow((step * 20) + i);
            steady.AddWindow(step);
            var batch = scheduler.NextBatch();
            Assert.Equal(["flood", "steady"], batch.WindowPrefills.Select(w => w.Session.Id).Order());
            Assert.Equal(step, batch.WindowPrefills.Single(w => w.Session.Id == "steady").Window.Index);
        }

        Assert.Equal(0, steady.DroppedWindowCount);
        Assert.Equal(50, steady.TakenWindowCount);
        Assert.Equal(1000 - 50 - flood.PendingWindowCount, flood.DroppedWindowCount);
    }

    [Fact]
    public void AnOversizedWindowStillRunsAlone()
    {
        var scheduler = new Scheduler(new SchedulerOptions { MaxBatchTokens = 50, MaxBacklogSeconds = 100 });
        scheduler.AddStream(Stream("a", 2));
        Assert.Single(scheduler.NextBatch().WindowPrefills);
        Assert.Single(scheduler.NextBatch().WindowPrefills);
        Assert.True(scheduler.NextBatch().IsEmpty);
    }

    [Fact]
    public void HostileCallsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Scheduler(new SchedulerOptions { MaxBatchTokens = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Scheduler(new SchedulerOptions { MaxBacklogSeconds = double.NaN }));
        var scheduler = new Scheduler(new SchedulerOptions { MaxBatchTokens = 100 });
        scheduler.AddStream(Stream("a", 1));
        Assert.Throws<ArgumentException>(() => scheduler.AddStream(Stream("a", 1)));
        Assert.Throws<ArgumentException>(() => scheduler.SubmitQuestion("nope", "q", 5, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.SubmitQuestion("a", "q", 0, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.SubmitQuestion("a", "q", 101, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.SubmitQuestion("a", "q", 5, 0));
        scheduler.SubmitQuestion("a", "q", 5, 5);
        Assert.Throws<ArgumentException>(() => scheduler.SubmitQuestion("a", "q", 5, 5));
        Assert.Throws<InvalidOperationException>(() => scheduler.CompleteDecodeStep("q", false)); // not prefilled yet
        Assert.True(scheduler.RemoveStream("a"));
        Assert.False(scheduler.RemoveStream("a"));
        Assert.True(scheduler.NextBatch().IsEmpty);
    }
}
