using ReleaseTargets.Configuration;
using ReleaseTargets.Credentials;
using ReleaseTargets.Stages;

namespace ReleaseTargets.Tests.Credentials;

public sealed class SasLifetimePolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    // 17m24s before the factor, 26m06s after: the numbers behind the example line.
    private static readonly PushForecast SevenRuns = new(TimeSpan.FromSeconds(1566), TimeSpan.FromSeconds(1044), 1.5, 7, "7 runs", 1_000_000);

    private readonly SasLifetimePolicy _policy = new(new SasLifetimeOptions(), new ForecastOptions());

    [Fact]
    public void Options_Defaults_AreDocumentedValues()
    {
        var options = new SasLifetimeOptions();

        Assert.Equal(TimeSpan.FromMinutes(15), options.SkewMargin);
        Assert.Equal(TimeSpan.FromMinutes(30), options.MinimumLifetime);
        Assert.Equal(TimeSpan.FromDays(7), options.MaximumLifetime);
    }

    [Fact]
    public void Choose_TypicalForecast_AppliesSkewToBothEnds()
    {
        var window = _policy.Choose(Now, SevenRuns);

        Assert.Equal(
            new SasWindow(
                Now,
                StartsOn: Now.AddMinutes(-15),
                ExpiresOn: Now.AddSeconds(1566).AddMinutes(15),
                KeyStartsOn: Now.AddMinutes(-15),
                KeyExpiresOn: Now.AddSeconds(1566).AddMinutes(15),
                SevenRuns),
            window);
        Assert.Equal(TimeSpan.FromMinutes(15), window.SkewMargin);
    }

    [Fact]
    public void Choose_ShortForecast_RaisesExpiryToMinimumLifetime()
    {
        var window = _policy.Choose(Now, Forecast(TimeSpan.FromMinutes(2)));

        Assert.Equal(Now.AddMinutes(30), window.ExpiresOn);
        Assert.Equal(Now.AddMinutes(30), window.KeyExpiresOn);
        Assert.Equal(Now.AddMinutes(-15), window.StartsOn);
    }

    [Fact]
    public void Choose_ForecastBeyondSevenDays_ClampsToKeyLifetimeFromBackdatedKeyStart()
    {
        var window = _policy.Choose(Now, Forecast(TimeSpan.FromDays(5)));

        Assert.Equal(Now.AddMinutes(-15), window.KeyStartsOn);
        Assert.Equal(Now.AddDays(7).AddMinutes(-15), window.KeyExpiresOn);
        Assert.Equal(Now.AddDays(7).AddMinutes(-15), window.ExpiresOn);
    }

    [Fact]
    public void Choose_MaximumLifetimeOfOneDay_ClampsExpiryToOneDayFromNow()
    {
        var policy = new SasLifetimePolicy(new SasLifetimeOptions { MaximumLifetime = TimeSpan.FromDays(1) }, new ForecastOptions());

        var window = policy.Choose(Now, Forecast(TimeSpan.FromHours(20)));

        Assert.Equal(Now.AddDays(1), window.ExpiresOn);
        Assert.Equal(Now.AddDays(1), window.KeyExpiresOn);
    }

    [Fact]
    public void Choose_NoSkew_StartsNowAndExpiresAtForecastEnd()
    {
        var policy = new SasLifetimePolicy(new SasLifetimeOptions { SkewMargin = TimeSpan.Zero, MinimumLifetime = TimeSpan.FromMinutes(1) }, new ForecastOptions());

        var window = policy.Choose(Now, SevenRuns);

        Assert.Equal(Now, window.StartsOn);
        Assert.Equal(Now.AddSeconds(1566), window.ExpiresOn);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(60)]
    [InlineData(3_600)]
    [InlineData(604_000)]
    [InlineData(604_800)]
    [InlineData(31_536_000)]
    public void Choose_AnyForecast_KeyCoversSasAndSasNeverOutlivesKey(int forecastSeconds)
    {
        var window = _policy.Choose(Now, Forecast(TimeSpan.FromSeconds(forecastSeconds)));

        Assert.True(window.KeyStartsOn <= window.StartsOn);
        Assert.True(window.KeyExpiresOn >= window.ExpiresOn);
        Assert.True(window.KeyExpiresOn - window.KeyStartsOn <= TimeSpan.FromDays(7));
        Assert.True(window.ExpiresOn - Now >= TimeSpan.FromMinutes(30));
    }

    [Fact]
    public void Constructor_InvalidOptions_ListsEveryProblem()
    {
        var options = new SasLifetimeOptions
        {
            SkewMargin = TimeSpan.FromMinutes(-1),
            MinimumLifetime = TimeSpan.Zero,
            MaximumLifetime = TimeSpan.FromDays(8),
        };

        var exception = Assert.Throws<ReleaseConfigurationException>(() => new SasLifetimePolicy(options, new ForecastOptions()));

        Assert.Equal(
            [
                "SasLifetimeOptions.SkewMargin must not be negative (got '-00:01:00').",
                "SasLifetimeOptions.MinimumLifetime must be above zero (got '00:00:00').",
                "SasLifetimeOptions.MaximumLifetime must be above zero and at most 7 days (the user delegation key limit) (got '8.00:00:00').",
            ],
            exception.Problems);
    }

    [Fact]
    public void Constructor_MinimumAboveMaximum_IsReported()
    {
        var options = new SasLifetimeOptions { MinimumLifetime = TimeSpan.FromHours(2), MaximumLifetime = TimeSpan.FromHours(1) };

        var exception = Assert.Throws<ReleaseConfigurationException>(() => new SasLifetimePolicy(options, new ForecastOptions()));

        Assert.Equal("SasLifetimeOptions.MinimumLifetime must not exceed MaximumLifetime '01:00:00' (got '02:00:00').", exception.Message);
    }

    [Fact]
    public void Constructor_OptionsChangedAfterwards_DoNotAffectThePolicy()
    {
        var options = new SasLifetimeOptions();
        var policy = new SasLifetimePolicy(options, new ForecastOptions());

        options.SkewMargin = TimeSpan.Zero;

        Assert.Equal(Now.AddMinutes(-15), policy.Choose(Now, SevenRuns).StartsOn);
    }

    [Fact]
    public void ShouldRenew_FreshWindowWithWholeForecastLeft_IsFalse()
    {
        var window = _policy.Choose(Now, SevenRuns);

        Assert.False(_policy.ShouldRenew(Now, window, SevenRuns.Estimate));
    }

    [Fact]
    public void ShouldRenew_RemainingWorkPastHalfTheHeadroom_IsTrue()
    {
        var window = _policy.Choose(Now, SevenRuns);

        // Renewal factor (1 + 1.5) ÷ 2 = 1.25; 1566 s usable once the expiry's skew margin is set aside.
        // 1253 s × 1.25 = 1566.25 s needed; 1252 s × 1.25 = 1565 s is still covered.
        Assert.Equal(1.25, _policy.RenewalFactor);
        Assert.True(_policy.ShouldRenew(Now, window, TimeSpan.FromSeconds(1253)));
        Assert.False(_policy.ShouldRenew(Now, window, TimeSpan.FromSeconds(1252)));
    }

    [Fact]
    public void ShouldRenew_PushOnPace_StaysFalse()
    {
        var window = _policy.Choose(Now, SevenRuns);

        // Ten minutes in, with 600 of the 1044 estimated seconds done.
        Assert.False(_policy.ShouldRenew(Now.AddMinutes(10), window, TimeSpan.FromSeconds(444)));
    }

    [Fact]
    public void ShouldRenew_PushStalled_TurnsTrueTheSecondValidityDropsBelowNeed()
    {
        var window = _policy.Choose(Now, SevenRuns);
        var stuck = TimeSpan.FromSeconds(600);

        // Expiry 12:41:06; minus 15m skew margin and 600 s × 1.25 = 750 s needed → renew after 12:13:36.
        Assert.False(_policy.ShouldRenew(new DateTimeOffset(2026, 11, 22, 12, 13, 36, TimeSpan.Zero), window, stuck));
        Assert.True(_policy.ShouldRenew(new DateTimeOffset(2026, 11, 22, 12, 13, 37, TimeSpan.Zero), window, stuck));
    }

    [Fact]
    public void ShouldRenew_NoWorkLeft_IsFalse()
    {
        var window = _policy.Choose(Now, SevenRuns);

        Assert.False(_policy.ShouldRenew(window.ExpiresOn.AddMinutes(-15), window, TimeSpan.Zero));
    }

    [Fact]
    public void ShouldRenew_WorkLongerThanAnyWindow_RenewsAtHalfTheLongestWindow()
    {
        var window = _policy.Choose(Now, Forecast(TimeSpan.FromDays(30)));
        var remaining = TimeSpan.FromDays(20);

        // Longest usable: 7d − 15m (key back-dated) − 15m (expiry margin) = 6d23h30m; half is 3d11h45m.
        Assert.Equal(TimeSpan.FromDays(7) - TimeSpan.FromMinutes(30), _policy.LongestUsableLifetime);
        var renewAt = Now + (_policy.LongestUsableLifetime / 2);
        Assert.False(_policy.ShouldRenew(Now, window, remaining));
        Assert.False(_policy.ShouldRenew(renewAt, window, remaining));
        Assert.True(_policy.ShouldRenew(renewAt.AddSeconds(1), window, remaining));
    }

    [Fact]
    public void Describe_ForecastFromHistory_MatchesTheDocumentedLine()
    {
        var window = _policy.Choose(Now, SevenRuns);

        Assert.Equal("SAS valid 12:00–12:41 UTC (forecast 18m from 7 runs ×1.5 + 15m skew)", window.Describe());
    }

    [Fact]
    public void Describe_ColdStart_SaysSo()
    {
        var coldStart = PushForecaster.Forecast([], 1200L * 1024 * 1024, new ForecastOptions());

        var window = _policy.Choose(Now, coldStart);

        Assert.Equal("SAS valid 12:00–12:30 UTC (cold start: no pushes in history, forecast 10m ×1.5 + 15m skew)", window.Describe());
    }

    [Fact]
    public void Describe_RaisedToMinimum_SaysSo()
    {
        var window = _policy.Choose(Now, Forecast(TimeSpan.FromMinutes(2)));

        Assert.Equal("SAS valid 12:00–12:30 UTC (forecast 2m from 7 runs ×1.5 + 15m skew, raised to minimum 30m)", window.Describe());
    }

    [Fact]
    public void Describe_ClampedToKeyLifetime_ShowsDateAndSaysSo()
    {
        var window = _policy.Choose(Now, Forecast(TimeSpan.FromDays(5)));

        Assert.Equal("SAS valid 12:00–2026-11-29 11:45 UTC (forecast 5d from 7 runs ×1.5 + 15m skew, clamped to the 7d key lifetime)", window.Describe());
    }

    [Fact]
    public void Describe_ClampedToMaximumLifetime_SaysSo()
    {
        var policy = new SasLifetimePolicy(new SasLifetimeOptions { MaximumLifetime = TimeSpan.FromDays(1) }, new ForecastOptions());

        var window = policy.Choose(Now, Forecast(TimeSpan.FromHours(20)));

        Assert.Equal("SAS valid 12:00–2026-11-23 12:00 UTC (forecast 20h from 7 runs ×1.5 + 15m skew, clamped to 1d)", window.Describe());
    }

    [Fact]
    public void Describe_InAnotherZone_ShowsThatZonesClockTimes()
    {
        var zone = TimeZoneInfo.CreateCustomTimeZone("Test+02", TimeSpan.FromHours(2), "Test+02", "Test+02");

        var window = _policy.Choose(Now, SevenRuns);

        Assert.Equal("SAS valid 14:00–14:41 UTC+02:00 (forecast 18m from 7 runs ×1.5 + 15m skew)", window.Describe(zone));
    }

    [Fact]
    public void Fixed_ShortLifetime_HasNoSkewAndKeyCoversExactlyTheSas()
    {
        var window = SasWindow.Fixed(Now, TimeSpan.FromSeconds(10));

        Assert.Equal((Now, Now, Now.AddSeconds(10), Now, Now.AddSeconds(10)), (window.IssuedAt, window.StartsOn, window.ExpiresOn, window.KeyStartsOn, window.KeyExpiresOn));
        Assert.True(window.IsFixedLifetime);
        Assert.Equal("SAS valid 12:00:00–12:00:10 UTC (fixed lifetime 10s, no forecast, no skew margin)", window.Describe());
    }

    [Fact]
    public void Fixed_LongerThanKeyLimit_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SasWindow.Fixed(Now, TimeSpan.FromDays(8)));
    }

    [Fact]
    public void Choose_RenewalForRemainingWork_KeepsTheSafetyFactor()
    {
        var remaining = SevenRuns.ForRemaining(TimeSpan.FromSeconds(600));

        var window = _policy.Choose(Now, remaining);

        Assert.Equal(Now.AddSeconds(900).AddMinutes(15), window.ExpiresOn);
        Assert.Equal("SAS valid 12:00–12:30 UTC (forecast 10m from 7 runs ×1.5 + 15m skew)", window.Describe());
    }

    private static PushForecast Forecast(TimeSpan estimate) =>
        new(estimate * 1.5, estimate, 1.5, 7, "7 runs", null);
}
