using ReleaseTargets.Stages;

namespace ReleaseTargets.Credentials;

/// <summary>
/// Chooses how long a user-delegation SAS lives from the push forecast, and when to renew it during the push.
/// Pure: "now" is always passed in, so the build's <see cref="TimeProvider"/> decides the time.
/// </summary>
internal sealed class SasLifetimePolicy
{
    private readonly TimeSpan _skewMargin;
    private readonly TimeSpan _minimumLifetime;
    private readonly TimeSpan _maximumLifetime;
    private readonly double _safetyFactor;

    /// <exception cref="Configuration.ReleaseConfigurationException">An option is out of range; the message lists every one.</exception>
    public SasLifetimePolicy(SasLifetimeOptions options, ForecastOptions forecastOptions)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(forecastOptions);
        options.Validate();
        forecastOptions.Validate();

        // Copied, so changing the options objects later cannot change a policy in use.
        _skewMargin = options.SkewMargin;
        _minimumLifetime = options.MinimumLifetime;
        _maximumLifetime = options.MaximumLifetime;
        _safetyFactor = forecastOptions.SafetyFactor;
    }

    /// <summary>
    /// The longest time a freshly chosen window can be relied on: the key limit counted from the back-dated key start,
    /// less the skew margin at the expiry end.
    /// </summary>
    public TimeSpan LongestUsableLifetime =>
        Min(_maximumLifetime, SasLifetimeConstants.KeyMaximumLifetime - _skewMargin) - _skewMargin;

    /// <summary>
    /// Start = now − skew; expiry = now + forecast + skew, raised to now + minimum lifetime and clamped to
    /// now + maximum lifetime. The key is valid over exactly the same window; when 7 days from the back-dated key
    /// start come first, the SAS expiry is clamped to the key's, because the service would reject the SAS after
    /// the key expires whatever the SAS says (the SDK does not check this).
    /// </summary>
    public SasWindow Choose(DateTimeOffset now, PushForecast forecast)
    {
        ArgumentNullException.ThrowIfNull(forecast);

        var startsOn = now - _skewMargin;
        var keyStartsOn = startsOn;
        var latest = Min(now + _maximumLifetime, keyStartsOn + SasLifetimeConstants.KeyMaximumLifetime);
        var wanted = now + Min(forecast.Duration, _maximumLifetime) + _skewMargin;
        var expiresOn = Min(Max(wanted, now + _minimumLifetime), latest);

        return new SasWindow(now, startsOn, expiresOn, keyStartsOn, expiresOn, forecast);
    }

    /// <summary>
    /// True when the validity left, not counting the skew margin (the service clock may run that far ahead of ours),
    /// is less than the remaining work × the renewal factor: half-way between 1 and the safety factor (1.25 by default),
    /// so a renewal is due once half the headroom is used up.
    /// </summary>
    /// <remarks>
    /// <para>The renewal factor sits below the safety factor the renewed window is sized with, for hysteresis: when the
    /// two were equal, a stalled push (no block completing, so the live forecast of remaining work grows with the
    /// elapsed time) renewed at every request attempt until a block completed. Now each renewal needs the remaining-work
    /// forecast to grow by (safety factor ÷ renewal factor) − 1 = 20 % beyond what the last window was sized for.</para>
    /// <para>A fresh window can be relied on for at most <see cref="LongestUsableLifetime"/>; when the remaining work needs
    /// more, the requirement is capped at half of it, so a very long push renews about twice a week rather than at
    /// every check.</para>
    /// </remarks>
    /// <param name="now">The current time on this machine.</param>
    /// <param name="current">The window of the SAS in use.</param>
    /// <param name="remainingWorkForecast">The remaining push time before the safety factor, e.g. from
    /// <see cref="PushForecaster.ForecastRemaining"/>.</param>
    public bool ShouldRenew(DateTimeOffset now, SasWindow current, TimeSpan remainingWorkForecast)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentOutOfRangeException.ThrowIfLessThan(remainingWorkForecast, TimeSpan.Zero);

        var usable = current.ExpiresOn - now - _skewMargin;
        var needed = TimeSpan.FromTicks((long)Math.Min(remainingWorkForecast.Ticks * RenewalFactor, LongestUsableLifetime.Ticks / 2));
        return usable < needed;
    }

    /// <summary>Renew when the validity left falls below the remaining work × this: (1 + safety factor) ÷ 2.</summary>
    public double RenewalFactor => (1 + _safetyFactor) / 2;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
