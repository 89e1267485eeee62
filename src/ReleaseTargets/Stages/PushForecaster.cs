using System.Globalization;

namespace ReleaseTargets.Stages;

/// <summary>
/// Forecasts how long a push takes from the recorded pushes and the size of this run's artifacts.
/// Pure and deterministic: the same history, size and options always give the same forecast.
/// </summary>
/// <remarks>
/// <para>The estimate is the larger of two pessimistic views of the successful pushes that recorded their size:
/// (a) this run's bytes at a low percentile of past throughputs, and (b) the run at a high percentile of past
/// durations, scaled linearly to this run's bytes. It is then multiplied by <see cref="ForecastOptions.SafetyFactor"/>.</para>
/// <para>Percentiles are nearest-rank on the sorted runs (rank = round(p × (n − 1))), so they always pick a real run
/// and never interpolate towards an outlier: with the defaults, a single absurdly slow run stops counting once
/// there are seven successful runs. With fewer runs the slowest one counts, which is deliberately conservative.</para>
/// <para>Cold start (no successful push at all): max(<see cref="ForecastOptions.ColdStartMinimum"/>,
/// bytes ÷ <see cref="ForecastOptions.ColdStartBytesPerSecond"/>) × <see cref="ForecastOptions.SafetyFactor"/>.</para>
/// <para>A size of 0 means "unknown": the high percentile of past durations is used unscaled, as it is when the
/// successful pushes did not record their size.</para>
/// </remarks>
public static class PushForecaster
{
    // Anything longer is clamped by the SAS policy anyway; the cap keeps the arithmetic finite.
    private static readonly TimeSpan MaximumEstimate = TimeSpan.FromDays(365);

    /// <param name="pushHistory">The recorded runs of the Push stage, e.g. <c>history.For(ReleaseStages.Push)</c>;
    /// failed runs are ignored.</param>
    /// <param name="bytesThisRun">The bytes this run will push; 0 when unknown.</param>
    /// <param name="options">The forecast options; validated on every call.</param>
    public static PushForecast Forecast(IReadOnlyList<StageRecord> pushHistory, long bytesThisRun, ForecastOptions options)
    {
        ArgumentNullException.ThrowIfNull(pushHistory);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(bytesThisRun);
        options.Validate();

        var successful = pushHistory
            .Where(r => r is not null && r.Outcome == StageOutcome.Succeeded && r.Duration > TimeSpan.Zero)
            .ToList();

        if (bytesThisRun == 0)
        {
            return successful.Count == 0
                ? ColdStart(bytesThisRun, options)
                : FromUnsizedHistory(successful, options);
        }

        var sized = successful.Where(r => r.Bytes > 0).ToList();
        if (sized.Count == 0)
        {
            // Timings without sizes still beat a guess; they just cannot be scaled.
            return successful.Count == 0
                ? ColdStart(bytesThisRun, options)
                : FromUnsizedHistory(successful, options);
        }

        // Both views are linear in the bytes, so each reduces to "this run at that run's throughput".
        var slowThroughputRun = sized
            .OrderBy(r => (double)r.Bytes!.Value / r.Duration.Ticks)
            .ThenBy(r => r.StartedAt)
            .ElementAt(Rank(sized.Count, options.ThroughputPercentile));
        var longDurationRun = sized
            .OrderBy(r => r.Duration)
            .ThenBy(r => r.StartedAt)
            .ElementAt(Rank(sized.Count, options.DurationPercentile));

        var byThroughput = Scale(slowThroughputRun.Duration.Ticks, bytesThisRun, slowThroughputRun.Bytes!.Value);
        var byDuration = Scale(longDurationRun.Duration.Ticks, bytesThisRun, longDurationRun.Bytes!.Value);
        var chosen = byThroughput >= byDuration ? slowThroughputRun : longDurationRun;

        return Create(
            Math.Max(byThroughput, byDuration),
            options,
            sized.Count,
            Runs(sized.Count),
            chosen.Bytes!.Value / chosen.Duration.TotalSeconds);
    }

    /// <summary>
    /// The estimated remaining push time, before the safety factor, for mid-push renewal decisions.
    /// Once at least <see cref="ForecastOptions.LiveThroughputMinimumFraction"/> of the bytes were sent over at least
    /// <see cref="ForecastOptions.LiveThroughputMinimumElapsed"/>, the live throughput is trusted; before that, the
    /// whole estimate is taken in proportion to the remaining bytes. Rounded up to whole seconds.
    /// </summary>
    /// <param name="whole">The forecast made before the push.</param>
    /// <param name="totalBytes">All bytes of this push; 0 when unknown (then: the estimate minus the elapsed time).</param>
    /// <param name="remainingBytes">Bytes not yet sent.</param>
    /// <param name="elapsed">Time since the push began.</param>
    /// <param name="options">The forecast options; validated on every call.</param>
    public static TimeSpan ForecastRemaining(PushForecast whole, long totalBytes, long remainingBytes, TimeSpan elapsed, ForecastOptions options)
    {
        ArgumentNullException.ThrowIfNull(whole);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(totalBytes);
        ArgumentOutOfRangeException.ThrowIfNegative(remainingBytes);
        ArgumentOutOfRangeException.ThrowIfLessThan(elapsed, TimeSpan.Zero);
        options.Validate();

        if (totalBytes == 0)
        {
            var left = whole.Estimate - elapsed;
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(remainingBytes, totalBytes);
        var sent = totalBytes - remainingBytes;
        var liveIsReliable = sent > 0
            && elapsed >= options.LiveThroughputMinimumElapsed
            && sent >= options.LiveThroughputMinimumFraction * totalBytes;

        var ticks = liveIsReliable
            ? Scale(elapsed.Ticks, remainingBytes, sent)
            : Scale(whole.Estimate.Ticks, remainingBytes, totalBytes);
        return TimeSpan.FromSeconds(CeilingSeconds(ticks));
    }

    /// <summary>Nearest-rank index of a percentile in a sorted list of <paramref name="count"/> items.</summary>
    internal static int Rank(int count, double percentile) =>
        (int)Math.Round(percentile * (count - 1), MidpointRounding.AwayFromZero);

    private static PushForecast ColdStart(long bytesThisRun, ForecastOptions options)
    {
        var byThroughput = (long)Math.Min(Math.Ceiling(bytesThisRun / options.ColdStartBytesPerSecond * TimeSpan.TicksPerSecond), MaximumEstimate.Ticks);
        var throughputWins = byThroughput > options.ColdStartMinimum.Ticks;
        return Create(
            Math.Max(byThroughput, options.ColdStartMinimum.Ticks),
            options,
            runsUsed: 0,
            "cold start",
            throughputWins ? options.ColdStartBytesPerSecond : null);
    }

    private static PushForecast FromUnsizedHistory(List<StageRecord> successful, ForecastOptions options)
    {
        var longDurationRun = successful
            .OrderBy(r => r.Duration)
            .ThenBy(r => r.StartedAt)
            .ElementAt(Rank(successful.Count, options.DurationPercentile));
        return Create(longDurationRun.Duration.Ticks, options, successful.Count, Runs(successful.Count), bytesPerSecond: null);
    }

    private static PushForecast Create(long estimateTicks, ForecastOptions options, int runsUsed, string basis, double? bytesPerSecond)
    {
        var estimateSeconds = CeilingSeconds(estimateTicks);
        var durationSeconds = Math.Min(Math.Ceiling(estimateSeconds * options.SafetyFactor), MaximumEstimate.TotalSeconds);
        return new PushForecast(
            TimeSpan.FromSeconds(durationSeconds),
            TimeSpan.FromSeconds(estimateSeconds),
            options.SafetyFactor,
            runsUsed,
            basis,
            bytesPerSecond);
    }

    // Integer arithmetic, so "the same size as last time" gives exactly last time's duration.
    private static long Scale(long ticks, long numerator, long denominator) =>
        (long)Int128.Min(((Int128)ticks * numerator + denominator - 1) / denominator, long.MaxValue);

    private static long CeilingSeconds(long ticks) =>
        (Math.Min(ticks, MaximumEstimate.Ticks) + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond;

    private static string Runs(int count) =>
        count == 1 ? "1 run" : string.Create(CultureInfo.InvariantCulture, $"{count} runs");
}
