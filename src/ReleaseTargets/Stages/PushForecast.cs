namespace ReleaseTargets.Stages;

/// <summary>How long this run's push is expected to take, and why.</summary>
/// <param name="Duration">The forecast the SAS is sized to: <paramref name="Estimate"/> × <paramref name="SafetyFactor"/>, rounded up to whole seconds.</param>
/// <param name="Estimate">The estimate before the safety factor, rounded up to whole seconds.</param>
/// <param name="SafetyFactor">The factor that turned the estimate into the forecast.</param>
/// <param name="RunsUsed">How many past pushes of comparable size the estimate is based on (without sizes: how many
/// successful runs); 0 for a cold start, including one that adds bytes at the cold-start throughput to a measured overhead.</param>
/// <param name="Basis">Short text for people, read after "forecast 5m from" or, for a cold start, as the reason:
/// "5 comparable pushes", "7 runs", "cold start: no pushes in history", "cold start: no comparable pushes in history".</param>
/// <param name="BytesPerSecond">The per-byte throughput the estimate assumes; <see langword="null"/> when it is not
/// throughput-based (size unknown, the cold-start minimum applied, or the chosen push was all overhead).</param>
public sealed record PushForecast(
    TimeSpan Duration,
    TimeSpan Estimate,
    double SafetyFactor,
    int RunsUsed,
    string Basis,
    double? BytesPerSecond)
{
    /// <summary>True when no usable history existed and the cold-start rule was applied.</summary>
    public bool IsColdStart => RunsUsed == 0;

    /// <summary>
    /// This forecast narrowed to the work still left, for sizing a renewed SAS: <see cref="Estimate"/> becomes
    /// <paramref name="remainingEstimate"/> (e.g. from <see cref="PushForecaster.ForecastRemaining"/>) and
    /// <see cref="Duration"/> that times the same safety factor, so the renewal keeps the same headroom.
    /// </summary>
    public PushForecast ForRemaining(TimeSpan remainingEstimate)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(remainingEstimate, TimeSpan.Zero);
        var seconds = Math.Ceiling(remainingEstimate.Ticks / (double)TimeSpan.TicksPerSecond);
        return this with
        {
            Estimate = TimeSpan.FromSeconds(seconds),
            Duration = TimeSpan.FromSeconds(Math.Min(Math.Ceiling(seconds * SafetyFactor), TimeSpan.FromDays(365).TotalSeconds)),
        };
    }
}
