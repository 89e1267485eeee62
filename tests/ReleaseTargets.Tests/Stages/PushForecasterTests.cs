using ReleaseTargets.Configuration;
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

        Assert.Equal(new PushForecast(TimeSpan.FromMinutes(7.5), TimeSpan.FromMinutes(5), 1.5, 0, "cold start", null), forecast);
        Assert.True(forecast.IsColdStart);
    }

    [Fact]
    public void Forecast_NoHistoryLargeArtifacts_UsesColdStartThroughput()
    {
        // 1200 MiB at 2 MiB/s = 600 s, more than the 5-minute minimum.
        var forecast = PushForecaster.Forecast([], 1200 * MiB, new ForecastOptions());

        Assert.Equal(new PushForecast(TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(10), 1.5, 0, "cold start", 2.0 * MiB), forecast);
    }

    [Fact]
    public void Forecast_NoHistoryUnknownSize_UsesColdStartMinimum()
    {
        var forecast = PushForecaster.Forecast([], 0, new ForecastOptions());

        Assert.Equal(TimeSpan.FromMinutes(5), forecast.Estimate);
        Assert.Equal("cold start", forecast.Basis);
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
    public void Forecast_ThroughputViewIsSlower_UsesLowPercentileThroughput()
    {
        // Small pushes are slow (1 MiB/s), big ones fast (5 MiB/s). The 20th-percentile throughput is 1 MiB/s;
        // the 90th-percentile duration is a fast 500 MiB run (100 s). This run is 500 MiB: 500 s beats 100 s.
        StageRecord[] history =
        [
            Push(0, 50, 50), Push(1, 50, 50), Push(2, 50, 50), Push(3, 50, 40),
            Push(4, 500, 100), Push(5, 500, 100), Push(6, 500, 100), Push(7, 500, 100), Push(8, 500, 100), Push(9, 500, 100),
        ];

        var forecast = PushForecaster.Forecast(history, 500 * MiB, new ForecastOptions());

        Assert.Equal(new PushForecast(TimeSpan.FromSeconds(750), TimeSpan.FromSeconds(500), 1.5, 10, "10 runs", 1.0 * MiB), forecast);
    }

    [Fact]
    public void Forecast_DurationViewIsSlower_ScalesHighPercentileRunToThisSize()
    {
        // 20th-percentile throughput: 2 MiB/s. 90th-percentile duration: the 200 MiB run that took 200 s (1 MiB/s).
        // For 300 MiB: 150 s by throughput, 300 s by the scaled duration.
        StageRecord[] history =
        [
            Push(0, 100, 50), Push(1, 100, 50), Push(2, 100, 50), Push(3, 150, 50),
            Push(4, 200, 200), Push(5, 600, 300), Push(6, 100, 50),
        ];

        var forecast = PushForecaster.Forecast(history, 300 * MiB, new ForecastOptions());

        Assert.Equal(new PushForecast(TimeSpan.FromSeconds(450), TimeSpan.FromSeconds(300), 1.5, 7, "7 runs", 1.0 * MiB), forecast);
    }

    [Fact]
    public void Forecast_GrowingArtifacts_ScaleTheForecast()
    {
        // Every past run pushed at 2 MiB/s while the artifacts grew from 100 to 160 MiB.
        var history = Enumerable.Range(0, 7).Select(i => Push(i, 100 + (10 * i), (100 + (10 * i)) / 2.0)).ToArray();

        var same = PushForecaster.Forecast(history, 160 * MiB, new ForecastOptions());
        var doubled = PushForecaster.Forecast(history, 320 * MiB, new ForecastOptions());

        Assert.Equal(TimeSpan.FromSeconds(80), same.Estimate);
        Assert.Equal(TimeSpan.FromSeconds(160), doubled.Estimate);
        Assert.Equal(TimeSpan.FromSeconds(240), doubled.Duration);
    }

    [Fact]
    public void Forecast_OneAbsurdlySlowRun_DoesNotDominate()
    {
        // Seven ordinary runs (100 MiB in 60 s) and one that stalled for 100 minutes.
        var history = Enumerable.Range(0, 7).Select(i => Push(i, 100, 60)).Append(Push(7, 100, 6000)).ToArray();

        var forecast = PushForecaster.Forecast(history, 100 * MiB, new ForecastOptions());

        Assert.Equal(TimeSpan.FromSeconds(60), forecast.Estimate);
        Assert.Equal(TimeSpan.FromSeconds(90), forecast.Duration);
        Assert.Equal(8, forecast.RunsUsed);
    }

    [Fact]
    public void Forecast_OneAbsurdlyFastRun_DoesNotShrinkTheForecast()
    {
        var history = Enumerable.Range(0, 7).Select(i => Push(i, 100, 60)).Append(Push(7, 100, 1)).ToArray();

        var forecast = PushForecaster.Forecast(history, 100 * MiB, new ForecastOptions());

        Assert.Equal(TimeSpan.FromSeconds(60), forecast.Estimate);
    }

    [Fact]
    public void Forecast_FewRunsWithOneSlow_CountsTheSlowRun()
    {
        // With three runs there is no telling an outlier from the tail: stay conservative.
        StageRecord[] history = [Push(0, 100, 60), Push(1, 100, 60), Push(2, 100, 600)];

        var forecast = PushForecaster.Forecast(history, 100 * MiB, new ForecastOptions());

        Assert.Equal(TimeSpan.FromSeconds(600), forecast.Estimate);
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

        var forecast = PushForecaster.Forecast(history, 1 * MiB, new ForecastOptions());

        // 10 s × 1/3 = 3.33 s → 4 s; × 1.5 = 6 s.
        Assert.Equal(new PushForecast(TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(4), 1.5, 1, "1 run", 3.0 * MiB / 10), forecast);
    }

    [Fact]
    public void Forecast_AbsurdSizeAtSlowestThroughput_CapsAtOneYearInsteadOfOverflowing()
    {
        StageRecord[] history = [new(ReleaseStages.Push, Origin, TimeSpan.FromDays(1), StageOutcome.Succeeded, 1)];

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
        var options = new ForecastOptions { SafetyFactor = 0.5, ColdStartBytesPerSecond = 0, DurationPercentile = 1.5 };

        var exception = Assert.Throws<ReleaseConfigurationException>(() => PushForecaster.Forecast([], 1, options));

        Assert.Equal(
            [
                "ForecastOptions.SafetyFactor must be a finite number of at least 1 (got '0.5').",
                "ForecastOptions.ColdStartBytesPerSecond must be a finite number above 0 (got '0').",
                "ForecastOptions.DurationPercentile must be between 0 and 1 (got '1.5').",
            ],
            exception.Problems);
    }

    [Fact]
    public void ForecastRemaining_EarlyInPush_TakesForecastInProportion()
    {
        var whole = Whole(TimeSpan.FromSeconds(400));

        // 50 of 400 MiB sent but only 20 s in: too early to trust the live rate.
        var remaining = PushForecaster.ForecastRemaining(whole, 400 * MiB, 350 * MiB, TimeSpan.FromSeconds(20), new ForecastOptions());

        Assert.Equal(TimeSpan.FromSeconds(350), remaining);
    }

    [Fact]
    public void ForecastRemaining_LittleSent_TakesForecastInProportion()
    {
        var whole = Whole(TimeSpan.FromSeconds(400));

        // 60 s in but under a tenth sent.
        var remaining = PushForecaster.ForecastRemaining(whole, 400 * MiB, 380 * MiB, TimeSpan.FromSeconds(60), new ForecastOptions());

        Assert.Equal(TimeSpan.FromSeconds(380), remaining);
    }

    [Fact]
    public void ForecastRemaining_EnoughSent_UsesLiveThroughput()
    {
        var whole = Whole(TimeSpan.FromSeconds(400));

        // 100 MiB in 200 s is half the forecast speed: 300 MiB left take 600 s.
        var remaining = PushForecaster.ForecastRemaining(whole, 400 * MiB, 300 * MiB, TimeSpan.FromSeconds(200), new ForecastOptions());

        Assert.Equal(TimeSpan.FromSeconds(600), remaining);
    }

    [Fact]
    public void ForecastRemaining_NothingLeft_IsZero()
    {
        var remaining = PushForecaster.ForecastRemaining(Whole(TimeSpan.FromSeconds(400)), 400 * MiB, 0, TimeSpan.FromSeconds(10), new ForecastOptions());

        Assert.Equal(TimeSpan.Zero, remaining);
    }

    [Fact]
    public void ForecastRemaining_UnknownTotal_SubtractsElapsedFromEstimate()
    {
        var whole = Whole(TimeSpan.FromSeconds(400));
        var options = new ForecastOptions();

        Assert.Equal(TimeSpan.FromSeconds(150), PushForecaster.ForecastRemaining(whole, 0, 0, TimeSpan.FromSeconds(250), options));
        Assert.Equal(TimeSpan.Zero, PushForecaster.ForecastRemaining(whole, 0, 0, TimeSpan.FromSeconds(500), options));
    }

    [Fact]
    public void ForecastRemaining_MoreRemainingThanTotal_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(
            () => PushForecaster.ForecastRemaining(Whole(TimeSpan.FromSeconds(1)), 10, 11, TimeSpan.Zero, new ForecastOptions()));
    }

    private static PushForecast Whole(TimeSpan estimate) =>
        new(estimate * 1.5, estimate, 1.5, 7, "7 runs", null);

    private static StageRecord Push(int day, long? mib, double seconds, StageOutcome outcome = StageOutcome.Succeeded) =>
        new(ReleaseStages.Push, Origin.AddDays(day), TimeSpan.FromSeconds(seconds), outcome, mib * MiB, 3);
}
