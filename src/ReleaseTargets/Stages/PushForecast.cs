namespace ReleaseTargets.Stages;

/// <summary>How long this run's push is expected to take, and why.</summary>
/// <param name="Duration">The forecast the SAS is sized to: <paramref name="Estimate"/> × <paramref name="SafetyFactor"/>, rounded up to whole seconds.</param>
/// <param name="Estimate">The estimate before the safety factor, rounded up to whole seconds.</param>
/// <param name="SafetyFactor">The factor that turned the estimate into the forecast.</param>
/// <param name="RunsUsed">How many successful past pushes the estimate is based on; 0 for a cold start.</param>
/// <param name="Basis">Short text for people: "7 runs", "1 run", "cold start".</param>
/// <param name="BytesPerSecond">The throughput the estimate assumes; <see langword="null"/> when it is not
/// throughput-based (size unknown, or the cold-start minimum applied).</param>
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
