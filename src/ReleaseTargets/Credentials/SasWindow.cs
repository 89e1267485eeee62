using System.Globalization;
using ReleaseTargets.Diagnostics;
using ReleaseTargets.Stages;

namespace ReleaseTargets.Credentials;

/// <summary>
/// The validity chosen for one user-delegation SAS and for the user delegation key that signs it.
/// </summary>
/// <param name="IssuedAt">When the window was chosen ("now" on this machine).</param>
/// <param name="StartsOn">The SAS start: <paramref name="IssuedAt"/> minus the skew margin.</param>
/// <param name="ExpiresOn">The SAS expiry; never after <paramref name="KeyExpiresOn"/>.</param>
/// <param name="KeyStartsOn">The user delegation key start; never after <paramref name="StartsOn"/>.</param>
/// <param name="KeyExpiresOn">The user delegation key expiry; at most 7 days after <paramref name="KeyStartsOn"/>.</param>
/// <param name="Forecast">The push forecast the window was sized to.</param>
public sealed record SasWindow(
    DateTimeOffset IssuedAt,
    DateTimeOffset StartsOn,
    DateTimeOffset ExpiresOn,
    DateTimeOffset KeyStartsOn,
    DateTimeOffset KeyExpiresOn,
    PushForecast Forecast)
{
    /// <summary>How far the start was moved into the past, and the expiry beyond the forecast.</summary>
    public TimeSpan SkewMargin => IssuedAt - StartsOn;

    /// <summary>True for a window made by <see cref="Fixed"/> rather than sized by <see cref="SasLifetimePolicy"/>.</summary>
    public bool IsFixedLifetime { get; init; }

    /// <summary>
    /// A window of exactly <paramref name="lifetime"/> from <paramref name="now"/>, with no skew margin and no forecast:
    /// for replaying the incident (a SAS that expires mid-push) and for tests that need a short-lived SAS.
    /// The key covers exactly the same window.
    /// </summary>
    public static SasWindow Fixed(DateTimeOffset now, TimeSpan lifetime)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(lifetime, SasLifetimeConstants.KeyMaximumLifetime);
        var forecast = new PushForecast(lifetime, lifetime, SafetyFactor: 1, RunsUsed: 0, Basis: "fixed lifetime", BytesPerSecond: null);
        return new SasWindow(now, now, now + lifetime, now, now + lifetime, forecast) { IsFixedLifetime = true };
    }

    /// <summary>
    /// One line for the build log, e.g. <c>SAS valid 12:00–12:41 (forecast 18m from 5 comparable pushes ×1.5 + 15m skew)</c>
    /// or <c>SAS valid 12:00–12:30 (cold start: no comparable pushes in history, forecast 5m ×1.5 + 15m skew, raised to minimum 30m)</c>.
    /// The range runs from issue to expiry: the back-dated start only absorbs clock skew. The forecast shown is the
    /// estimate before the safety factor; durations round up to whole minutes, clock times are truncated to the minute.
    /// </summary>
    /// <param name="zone">The zone to show clock times in; UTC when <see langword="null"/>.</param>
    public string Describe(TimeZoneInfo? zone = null)
    {
        zone ??= TimeZoneInfo.Utc;
        var issued = TimeZoneInfo.ConvertTime(IssuedAt, zone);
        var expires = TimeZoneInfo.ConvertTime(ExpiresOn, zone);

        // Fixed windows are typically seconds long, so they show seconds.
        var clock = IsFixedLifetime ? "HH:mm:ss" : "HH:mm";
        var expiresText = expires.Date == issued.Date
            ? expires.ToString(clock, CultureInfo.InvariantCulture)
            : expires.ToString("yyyy-MM-dd " + clock, CultureInfo.InvariantCulture);
        var offset = zone.GetUtcOffset(IssuedAt);
        var zoneText = offset == TimeSpan.Zero ? "UTC" : "UTC" + (offset < TimeSpan.Zero ? "-" : "+") + offset.ToString("hh\\:mm", CultureInfo.InvariantCulture);
        expiresText += " " + zoneText;
        var issuedText = issued.ToString(clock, CultureInfo.InvariantCulture);

        if (IsFixedLifetime)
        {
            var lifetime = ExpiresOn - IssuedAt;
            var lifetimeText = lifetime < TimeSpan.FromMinutes(1)
                ? ((int)Math.Ceiling(lifetime.TotalSeconds)).ToString(CultureInfo.InvariantCulture) + "s"
                : Units.Budget(lifetime);
            return $"SAS valid {issuedText}–{expiresText} (fixed lifetime {lifetimeText}, no forecast, no skew margin)";
        }

        var factor = Forecast.SafetyFactor.ToString("0.###", CultureInfo.InvariantCulture);
        var estimate = Units.Budget(Forecast.Estimate);
        var reason = Forecast.IsColdStart
            ? $"{Forecast.Basis}, forecast {estimate} ×{factor}"
            : $"forecast {estimate} from {Forecast.Basis} ×{factor}";

        return $"SAS valid {issuedText}–{expiresText} "
            + $"({reason} + {Units.Budget(SkewMargin)} skew{ClampNote()})";
    }

    private string ClampNote()
    {
        var unclamped = IssuedAt + Forecast.Duration + SkewMargin;
        if (ExpiresOn > unclamped)
        {
            return ", raised to minimum " + Units.Budget(ExpiresOn - IssuedAt);
        }

        if (ExpiresOn < unclamped)
        {
            return ExpiresOn == KeyStartsOn + SasLifetimeConstants.KeyMaximumLifetime
                ? ", clamped to the 7d key lifetime"
                : ", clamped to " + Units.Budget(ExpiresOn - IssuedAt);
        }

        return string.Empty;
    }
}
