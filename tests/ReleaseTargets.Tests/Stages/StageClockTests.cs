using Microsoft.Extensions.Time.Testing;
using ReleaseTargets.Stages;

namespace ReleaseTargets.Tests.Stages;

public sealed class StageClockTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);
    private readonly StageHistory _history = new();

    [Fact]
    public void Complete_AfterFakeTimePasses_RecordsMeasuredDurationWithBytesAndFiles()
    {
        var clock = new StageClock(_time, _history);

        using var scope = clock.Begin(ReleaseStages.Push);
        _time.Advance(TimeSpan.FromSeconds(754.5));
        var record = scope.Complete(bytes: 123_456_789, files: 12);

        var expected = new StageRecord("Push", Start, TimeSpan.FromSeconds(754.5), StageOutcome.Succeeded, 123_456_789, 12);
        Assert.Equal(expected, record);
        Assert.Equal([expected], _history.For("Push"));
        Assert.Equal([expected], clock.CurrentRun);
    }

    [Fact]
    public void Begin_WithForecast_RecordsItNextToTheMeasuredDuration()
    {
        var clock = new StageClock(_time, _history);

        using var succeeded = clock.Begin(ReleaseStages.Push, forecast: TimeSpan.FromSeconds(151));
        _time.Advance(TimeSpan.FromSeconds(2.5));
        succeeded.Complete(bytes: 300 * 1024 * 1024, files: 1);
        var failed = clock.Begin(ReleaseStages.Push, forecast: TimeSpan.FromSeconds(151));
        _time.Advance(TimeSpan.FromSeconds(1));
        failed.Dispose();

        Assert.Equal(
            [
                new StageRecord("Push", Start, TimeSpan.FromSeconds(2.5), StageOutcome.Succeeded, 300 * 1024 * 1024, 1, TimeSpan.FromSeconds(151)),
                new StageRecord("Push", Start.AddSeconds(2.5), TimeSpan.FromSeconds(1), StageOutcome.Failed, Forecast: TimeSpan.FromSeconds(151)),
            ],
            _history.For("Push"));
        Assert.Contains("\"forecast\": \"00:02:31\"", _history.ToJson(), StringComparison.Ordinal);
        Assert.Equal(_history.For("Push"), StageHistory.FromJson(_history.ToJson(), keep: 20).For("Push"));
    }

    [Fact]
    public void Dispose_WithoutComplete_RecordsFailed()
    {
        var clock = new StageClock(_time, _history);

        var scope = clock.Begin(ReleaseStages.Build);
        _time.Advance(TimeSpan.FromMinutes(3));
        scope.Dispose();

        Assert.Equal([new StageRecord("Build", Start, TimeSpan.FromMinutes(3), StageOutcome.Failed)], _history.For("Build"));
        Assert.Equal(StageOutcome.Failed, scope.Record?.Outcome);
    }

    [Fact]
    public void Dispose_WhenAnExceptionEscapesTheStage_RecordsFailed()
    {
        var clock = new StageClock(_time, _history);

        void FailingPush()
        {
            using var scope = clock.Begin(ReleaseStages.Push);
            _time.Advance(TimeSpan.FromSeconds(5));
            throw new InvalidOperationException("upload failed");
        }

        Assert.Throws<InvalidOperationException>(FailingPush);

        Assert.Equal([new StageRecord("Push", Start, TimeSpan.FromSeconds(5), StageOutcome.Failed)], clock.CurrentRun);
    }

    [Fact]
    public void Fail_RecordsFailedOnceAndDisposeAddsNothing()
    {
        var clock = new StageClock(_time, _history);

        var scope = clock.Begin(ReleaseStages.RefreshCredentials);
        _time.Advance(TimeSpan.FromSeconds(2));
        var record = scope.Fail();
        _time.Advance(TimeSpan.FromSeconds(2));
        scope.Dispose();

        Assert.Equal(new StageRecord("RefreshCredentials", Start, TimeSpan.FromSeconds(2), StageOutcome.Failed), record);
        Assert.Single(_history.For("RefreshCredentials"));
    }

    [Fact]
    public void Complete_Twice_ThrowsAndKeepsTheFirstRecord()
    {
        var clock = new StageClock(_time, _history);
        var scope = clock.Begin(ReleaseStages.Push);
        _time.Advance(TimeSpan.FromSeconds(10));
        var first = scope.Complete(bytes: 10);
        _time.Advance(TimeSpan.FromSeconds(10));

        var exception = Assert.Throws<InvalidOperationException>(() => scope.Complete(bytes: 20));

        Assert.Equal("Stage 'Push' was already recorded as Succeeded.", exception.Message);
        Assert.Equal([first], _history.For("Push"));
        Assert.Equal([first], clock.CurrentRun);
    }

    [Fact]
    public void Complete_NegativeBytes_ThrowsAndRecordsNothing()
    {
        var clock = new StageClock(_time, _history);
        var scope = clock.Begin(ReleaseStages.Push);

        Assert.Throws<ArgumentOutOfRangeException>(() => scope.Complete(bytes: -1));

        Assert.Empty(clock.CurrentRun);
    }

    [Fact]
    public void CurrentRun_WithEarlierHistory_ListsOnlyThisRunsStagesInOrder()
    {
        _history.Add(new StageRecord("Build", Start.AddDays(-1), TimeSpan.FromMinutes(9), StageOutcome.Succeeded));
        var clock = new StageClock(_time, _history);

        using (var build = clock.Begin(ReleaseStages.Build))
        {
            _time.Advance(TimeSpan.FromMinutes(4));
            build.Complete();
        }

        using (var refresh = clock.Begin(ReleaseStages.RefreshCredentials))
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            refresh.Complete();
        }

        Assert.Equal(
            [
                new StageRecord("Build", Start, TimeSpan.FromMinutes(4), StageOutcome.Succeeded),
                new StageRecord("RefreshCredentials", Start.AddMinutes(4), TimeSpan.FromSeconds(1), StageOutcome.Succeeded),
            ],
            clock.CurrentRun);
        Assert.Equal(2, _history.For("Build").Count);
    }

    [Fact]
    public void Elapsed_WhileRunning_FollowsTheTimeProvider()
    {
        var scope = new StageClock(_time, _history).Begin(ReleaseStages.Push);

        _time.Advance(TimeSpan.FromSeconds(42));

        Assert.Equal(TimeSpan.FromSeconds(42), scope.Elapsed);
        Assert.Null(scope.Record);
    }
}
