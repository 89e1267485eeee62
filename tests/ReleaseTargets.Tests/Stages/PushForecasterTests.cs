using ReleaseTargets.Configuration;
using ReleaseTargets.Credentials;
using ReleaseTargets.Stages;

namespace ReleaseTargets.Tests.Stages;

public sealed class PushForecasterTests
{
    private const long MiB = 1024 * 1024;
    private static readonly DateTimeOffset Origin = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Forecast_NoHistorySmallArtifacts_UsesColdStartMinimumTimesSafetyFactor()
    {
        var forecast = PushForecaster.Forecast([], 100 * MiB, new ForecastOptions());

        Assert.Equal(new PushForecast(TimeSpan.FromMinutes(7.5), TimeSpan.FromMinutes(5), 1.5, 0, "cold start: no pushes in history", null), forecast);
        Assert.True(forecast.IsColdStart);
    }

    [Fact]
    public void Forecast_NoHistoryLargeArtifacts_UsesColdStartThroughput()
    {
        // 1200 MiB at 2 MiB/s = 600 s, more than the 5-minute minimum.
        var forecast = PushForecaster.Forecast([], 1200 * MiB, new ForecastOptions());

        Assert.Equal(new PushForecast(TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(10), 1.5, 0, "cold start: no pushes in history", 2.0 * MiB), forecast);
    }

    [Fact]
    public void Forecast_NoHistoryUnknownSize_UsesColdStartMinimum()
    {
        var forecast = PushForecaster.Forecast([], 0, new ForecastOptions());

        Assert.Equal(TimeSpan.FromMinutes(5), forecast.Estimate);
        Assert.True(forecast.IsColdStart);
    }

    [Fact]
    public void Forecast_OnlyFailedRuns_UsesColdStart()
    {
        StageRecord[] history = [Push(0, 100, 30, StageOutcome.Failed), Push(1, 100, 30, StageOutcome.Failed)];

        var forecast = PushForecaster.Forecast(history, 100 * MiB, new ForecastOptions());

        Assert.Equal(0, forecast.RunsUsed);
        Assert.Equal(TimeSpan.FromMinutes(5), forecast.Estimate);
    }

    [Fact]
    public void Forecast_TinyPushesThenThreeHundredMiB_IsOverheadPlusColdStartThroughputNotDays()
    {
        // Issue 11: 16–60 B in 0.1 s each forecast 300 MiB at 19d20h18m.
        StageRecord[] history = [Bytes(0, 16, 0.1), Bytes(1, 60, 0.1), Bytes(2, 32, 0.1), Bytes(3, 48, 0.1)];

        var forecast = PushForecaster.Forecast(history, 300 * MiB, new ForecastOptions());

        // Nothing within 4× of 300 MiB: 0.1 s overhead + 150 s at 2 MiB/s = 150.1 s → 151 s, under the 300 s cold start.
        Assert.Equal(
            new PushForecast(TimeSpan.FromSeconds(227), TimeSpan.FromSeconds(151), 1.5, 0, "cold start: no comparable pushes in history, 0.1s overhead from 4 small pushes", 2.0 * MiB),
            forecast);
    }

    [Fact]
    public void Forecast_TinyPushesThenThreeHundredMiB_GetsTheMinimumWindow()
    {
        StageRecord[] history = [Bytes(0, 16, 0.1), Bytes(1, 60, 0.1), Bytes(2, 32, 0.1), Bytes(3, 48, 0.1)];
        var policy = new SasLifetimePolicy(new SasLifetimeOptions(), new ForecastOptions());

        var window = policy.Choose(Origin, PushForecaster.Forecast(history, 300 * MiB, new ForecastOptions()));

        Assert.Equal(TimeSpan.FromMinutes(30), window.ExpiresOn - window.IssuedAt);
        Assert.Equal(
            "SAS valid 09:00–09:30 UTC (cold start: no comparable pushes in history, 0.1s overhead from 4 small pushes, forecast 3m ×1.5 + 15m skew, raised to minimum 30m)",
            window.Describe());
    }

    [Fact]
    public void Forecast_OneByteInOneDay_FallsBackToColdStartNotDays()
    {
        // Issue 11: one record of 1 byte in 1 day gave seven days. Its day is overhead, and overhead + bytes is not
        // shorter than the cold start, so the cold start it is.
        StageRecord[] history = [Bytes(0, 1, TimeSpan.FromDays(1).TotalSeconds)];

        var forecast = PushForecaster.Forecast(history, 300 * MiB, new ForecastOptions());

        Assert.Equal(new PushForecast(TimeSpan.FromMinutes(7.5), TimeSpan.FromMinutes(5), 1.5, 0, "cold start: no comparable pushes in history", null), forecast);
    }

    [Fact]
    public void Forecast_OnlyHugePushes_FallsBackToColdStartForASmallOne()
    {
        StageRecord[] history = [Push(0, 4000, 200), Push(1, 4000, 210)];

        var forecast = PushForecaster.Forecast(history, 10 * MiB, new ForecastOptions());

        Assert.Equal(new PushForecast(TimeSpan.FromMinutes(7.5), TimeSpan.FromMinutes(5), 1.5, 0, "cold start: no comparable pushes in history", null), forecast);
    }

    [Fact]
    public void Forecast_EverythingSkippedBefore_CountsAsOverhead()
    {
        // Runs that found every artifact already published sent 0 bytes in 2 s: pure overhead.
        StageRecord[] history = [Bytes(0, 0, 2), Bytes(1, 0, 2), Bytes(2, 0, 3)];

        var forecast = PushForecaster.Forecast(history, 300 * MiB, new ForecastOptions());

        Assert.Equal(TimeSpan.FromSeconds(152), forecast.Estimate);
        Assert.Equal("cold start: no comparable pushes in history, 2.0s overhead from 3 small pushes", forecast.Basis);
    }

    [Fact]
    public void Forecast_SameSizeAsRecentPushes_IsTheirMedianDuration()
    {
        StageRecord[] history = [Push(0, 100, 50), Push(1, 100, 60), Push(2, 100, 55), Push(3, 100, 70), Push(4, 100, 65)];

        var forecast = PushForecaster.Forecast(history, 100 * MiB, new ForecastOptions());

        Assert.Equal(new PushForecast(TimeSpan.FromSeconds(90), TimeSpan.FromSeconds(60), 1.5, 5, "5 comparable pushes", 100.0 * MiB / 60), forecast);
        Assert.False(forecast.IsColdStart);
    }

    [Fact]
    public void Forecast_MeasuredOverhead_ScalesOnlyTheTimeBeyondIt()
    {
        // 10 s of fixed cost (from 1 KiB pushes) + 50 s for 100 MiB: 200 MiB take 10 + 100 s, not 2 × 60 s.
        StageRecord[] history = [Bytes(0, 1024, 10), Bytes(1, 1024, 10), Bytes(2, 1024, 10), Push(3, 100, 60), Push(4, 100, 60), Push(5, 100, 60)];

        var forecast = PushForecaster.Forecast(history, 200 * MiB, new ForecastOptions());

        Assert.Equal(new PushForecast(TimeSpan.FromSeconds(165), TimeSpan.FromSeconds(110), 1.5, 3, "3 comparable pushes", 2.0 * MiB), forecast);
    }

    [Fact]
    public void Forecast_UnknownOverheadGrowing_ScalesLinearly()
    {
        var forecast = PushForecaster.Forecast([Push(0, 100, 60)], 200 * MiB, new ForecastOptions());

        Assert.Equal(new PushForecast(TimeSpan.FromSeconds(180), TimeSpan.FromSeconds(120), 1.5, 1, "1 comparable push", 100.0 * MiB / 60), forecast);
    }

    [Fact]
    public void Forecast_UnknownOverheadShrinking_DoesNotScaleDown()
    {
        var forecast = PushForecaster.Forecast([Push(0, 100, 60)], 50 * MiB, new ForecastOptions());

        Assert.Equal(new PushForecast(TimeSpan.FromSeconds(90), TimeSpan.FromSeconds(60), 1.5, 1, "1 comparable push", null), forecast);
    }

    [Fact]
    public void Forecast_SizeBand_IncludesFourTimesAndExcludesBeyond()
    {
        StageRecord[] history = [Push(0, 100, 60)];

        var fourTimes = PushForecaster.Forecast(history, 400 * MiB, new ForecastOptions());
        var beyond = PushForecaster.Forecast(history, (400 * MiB) + 1, new ForecastOptions());

        Assert.Equal(TimeSpan.FromSeconds(240), fourTimes.Estimate);
        Assert.Equal(1, fourTimes.RunsUsed);
        Assert.Equal(TimeSpan.FromSeconds(300), beyond.Estimate);
        Assert.Equal("cold start: no comparable pushes in history", beyond.Basis);
    }

    [Fact]
    public void Forecast_SmallerPushesOutsideTheBand_DoNotCount()
    {
        // 10 MiB pushes at 2 s would say 20 s for 100 MiB; only the 100 MiB push is comparable.
        StageRecord[] history = [Push(0, 10, 2), Push(1, 10, 2), Push(2, 10, 2), Push(3, 100, 60)];

        var forecast = PushForecaster.Forecast(history, 100 * MiB, new ForecastOptions());

        Assert.Equal(TimeSpan.FromSeconds(60), forecast.Estimate);
        Assert.Equal("1 comparable push", forecast.Basis);
    }

    [Fact]
    public void Forecast_SmallPushAfterSmallPushes_IsOverheadSized()
    {
        // 100 B is not within 4× of 16 B, but every small push is overhead: all four are comparable.
        // Overhead (median of 0.1, 0.1, 0.2, 0.3) = 0.2 s. Predictions: 0.1, 0.2, 0.1, 0.2 + 0.1 × 100/48; median rank 2 of
        // the longest-first list is 0.1 s → 1 s.
        StageRecord[] history = [Bytes(0, 16, 0.1), Bytes(1, 60, 0.2), Bytes(2, 32, 0.1), Bytes(3, 48, 0.3)];

        var forecast = PushForecaster.Forecast(history, 100, new ForecastOptions());

        Assert.Equal(new PushForecast(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), 1.5, 4, "4 comparable pushes", null), forecast);
    }

    [Fact]
    public void Forecast_OneTenTimesSlowOutlier_IsIgnoredByTheMedian()
    {
        StageRecord[] history = [Push(0, 100, 60), Push(1, 100, 60), Push(2, 100, 600), Push(3, 100, 60), Push(4, 100, 60)];

        var forecast = PushForecaster.Forecast(history, 100 * MiB, new ForecastOptions());

        Assert.Equal(TimeSpan.FromSeconds(60), forecast.Estimate);
    }

    [Fact]
    public void Forecast_ThroughputDropped_FollowsTheRecentPushes()
    {
        // Ten pushes at 60 s, then the network got 3× slower: three recent pushes out of five out-vote the old two.
        var history = Enumerable.Range(0, 10).Select(i => Push(i, 100, 60)).Concat(Enumerable.Range(10, 3).Select(i => Push(i, 100, 180))).ToArray();

        var forecast = PushForecaster.Forecast(history, 100 * MiB, new ForecastOptions());

        Assert.Equal(TimeSpan.FromSeconds(180), forecast.Estimate);
        Assert.Equal(5, forecast.RunsUsed);
    }

    [Fact]
    public void Forecast_FailedRunsAmongSuccessful_AreIgnored()
    {
        StageRecord[] successful = [Push(0, 100, 60), Push(1, 100, 60), Push(2, 100, 60)];
        StageRecord[] withFailures = [.. successful, Push(3, 100, 5000, StageOutcome.Failed), Push(4, 1, 1, StageOutcome.Failed)];

        var expected = PushForecaster.Forecast(successful, 100 * MiB, new ForecastOptions());
        var forecast = PushForecaster.Forecast(withFailures, 100 * MiB, new ForecastOptions());

        Assert.Equal(expected, forecast);
        Assert.Equal(3, forecast.RunsUsed);
    }

    [Fact]
    public void Forecast_UnknownSize_UsesHighPercentileDurationUnscaled()
    {
        var history = Enumerable.Range(0, 10).Select(i => Push(i, 100, 60 + i)).ToArray();

        var forecast = PushForecaster.Forecast(history, 0, new ForecastOptions());

        // Rank round(0.9 × 9) = 8: the second-longest run, 68 s.
        Assert.Equal(new PushForecast(TimeSpan.FromSeconds(102), TimeSpan.FromSeconds(68), 1.5, 10, "10 runs", null), forecast);
    }

    [Fact]
    public void Forecast_HistoryWithoutRecordedSizes_UsesDurationsUnscaled()
    {
        StageRecord[] history = [Push(0, null, 100), Push(1, null, 120)];

        var forecast = PushForecaster.Forecast(history, 500 * MiB, new ForecastOptions());

        Assert.Equal(TimeSpan.FromSeconds(120), forecast.Estimate);
        Assert.Equal("2 runs", forecast.Basis);
    }

    [Fact]
    public void Forecast_FractionalEstimate_RoundsUpToWholeSeconds()
    {
        StageRecord[] history = [Push(0, 3, 10)];

        var forecast = PushForecaster.Forecast(history, 4 * MiB, new ForecastOptions());

        // 10 s × 4/3 = 13.33 s → 14 s; × 1.5 = 21 s.
        Assert.Equal(new PushForecast(TimeSpan.FromSeconds(21), TimeSpan.FromSeconds(14), 1.5, 1, "1 comparable push", 3.0 * MiB / 10), forecast);
    }

    [Fact]
    public void Forecast_AbsurdSize_CapsAtOneYearInsteadOfOverflowing()
    {
        StageRecord[] history = [Bytes(0, 1, TimeSpan.FromDays(1).TotalSeconds), Bytes(1, long.MaxValue / 2, TimeSpan.FromDays(300).TotalSeconds)];

        var forecast = PushForecaster.Forecast(history, long.MaxValue, new ForecastOptions { SafetyFactor = 1e300 });

        Assert.Equal(TimeSpan.FromDays(365), forecast.Estimate);
        Assert.Equal(TimeSpan.FromDays(365), forecast.Duration);
    }

    [Fact]
    public void Forecast_NegativeBytes_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PushForecaster.Forecast([], -1, new ForecastOptions()));
    }

    [Fact]
    public void Forecast_InvalidOptions_ListsEveryProblem()
    {
        var options = new ForecastOptions { SafetyFactor = 0.5, ColdStartBytesPerSecond = 0, DurationPercentile = 1.5, ComparableSizeRatio = 0.5, RecentComparablePushes = 0 };

        var exception = Assert.Throws<ReleaseConfigurationException>(() => PushForecaster.Forecast([], 1, options));

        Assert.Equal(
            [
                "ForecastOptions.SafetyFactor must be a finite number of at least 1 (got '0.5').",
                "ForecastOptions.ColdStartBytesPerSecond must be a finite number above 0 (got '0').",
                "ForecastOptions.DurationPercentile must be between 0 and 1 (got '1.5').",
                "ForecastOptions.ComparableSizeRatio must be a finite number of at least 1 (got '0.5').",
                "ForecastOptions.RecentComparablePushes must be at least 1 (got '0').",
            ],
            exception.Problems);
    }

    [Fact]
    public void ForecastRemaining_EarlyInPush_TakesForecastInProportion()
    {
        var whole = Whole(TimeSpan.FromSeconds(400));

        // 50 of 400 MiB sent but only 20 s in: too early to trust the live rate.
        var remaining = PushForecaster.ForecastRemaining(whole, 400 * MiB, 350 * MiB, 50 * MiB, TimeSpan.FromSeconds(20), new ForecastOptions());

        Assert.Equal(TimeSpan.FromSeconds(350), remaining);
    }

    [Fact]
    public void ForecastRemaining_LittleSent_TakesForecastInProportion()
    {
        var whole = Whole(TimeSpan.FromSeconds(400));

        // 60 s in but under a tenth sent.
        var remaining = PushForecaster.ForecastRemaining(whole, 400 * MiB, 380 * MiB, 20 * MiB, TimeSpan.FromSeconds(60), new ForecastOptions());

        Assert.Equal(TimeSpan.FromSeconds(380), remaining);
    }

    [Fact]
    public void ForecastRemaining_EnoughSent_UsesLiveThroughput()
    {
        var whole = Whole(TimeSpan.FromSeconds(400));

        // 100 MiB in 200 s is half the forecast speed: 300 MiB left take 600 s.
        var remaining = PushForecaster.ForecastRemaining(whole, 400 * MiB, 300 * MiB, 100 * MiB, TimeSpan.FromSeconds(200), new ForecastOptions());

        Assert.Equal(TimeSpan.FromSeconds(600), remaining);
    }

    [Fact]
    public void ForecastRemaining_ResumedPush_MeasuresOnlyBytesTransferredThisRun()
    {
        // Issue 11: 50 % already staged, 10 % sent in 30 s: 40 % left at 10 % per 30 s is 120 s (not 20 s).
        var remaining = PushForecaster.ForecastRemaining(Whole(TimeSpan.FromSeconds(400)), 100 * MiB, 40 * MiB, 10 * MiB, TimeSpan.FromSeconds(30), new ForecastOptions());

        Assert.Equal(TimeSpan.FromSeconds(120), remaining);
    }

    [Fact]
    public void ForecastRemaining_NothingLeft_IsZero()
    {
        var remaining = PushForecaster.ForecastRemaining(Whole(TimeSpan.FromSeconds(400)), 400 * MiB, 0, 400 * MiB, TimeSpan.FromSeconds(10), new ForecastOptions());

        Assert.Equal(TimeSpan.Zero, remaining);
    }

    [Fact]
    public void ForecastRemaining_UnknownTotal_SubtractsElapsedFromEstimate()
    {
        var whole = Whole(TimeSpan.FromSeconds(400));
        var options = new ForecastOptions();

        Assert.Equal(TimeSpan.FromSeconds(150), PushForecaster.ForecastRemaining(whole, 0, 0, 0, TimeSpan.FromSeconds(250), options));
        Assert.Equal(TimeSpan.Zero, PushForecaster.ForecastRemaining(whole, 0, 0, 0, TimeSpan.FromSeconds(500), options));
    }

    [Fact]
    public void ForecastRemaining_MoreRemainingThanTotal_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(
            () => PushForecaster.ForecastRemaining(Whole(TimeSpan.FromSeconds(1)), 10, 11, 0, TimeSpan.Zero, new ForecastOptions()));
    }

    [Fact]
    public void ForecastRemaining_TransferredReadAfterABlockCompleted_CountsOnlyWhatIsDone()
    {
        // Remaining read before a block completed, transferred after: 60 of 100 MiB counted as done, 70 as transferred.
        var remaining = PushForecaster.ForecastRemaining(Whole(TimeSpan.FromSeconds(400)), 100 * MiB, 40 * MiB, 70 * MiB, TimeSpan.FromSeconds(60), new ForecastOptions());

        Assert.Equal(TimeSpan.FromSeconds(40), remaining);
    }

    private static PushForecast Whole(TimeSpan estimate) =>
        new(estimate * 1.5, estimate, 1.5, 7, "7 comparable pushes", null);

    private static StageRecord Push(int day, long? mib, double seconds, StageOutcome outcome = StageOutcome.Succeeded) =>
        new(ReleaseStages.Push, Origin.AddDays(day), TimeSpan.FromSeconds(seconds), outcome, mib * MiB, 3);

    private static StageRecord Bytes(int day, long bytes, double seconds) =>
        new(ReleaseStages.Push, Origin.AddDays(day), TimeSpan.FromSeconds(seconds), StageOutcome.Succeeded, bytes, 1);
}
