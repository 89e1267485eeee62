using System.Globalization;
using ReleaseTargets.Diagnostics;

namespace ReleaseTargets.Stages;

/// <summary>
/// Forecasts how long a push takes from the recorded pushes and the size of this run's artifacts.
/// Pure and deterministic: the same history, size and options always give the same forecast.
/// </summary>
/// <remarks>
/// <para>Model: duration ≈ overhead + bytes ÷ throughput. Failed runs are ignored; percentiles are nearest-rank on the
/// sorted runs (rank = round(p × (n − 1))), so they always pick a real run and never interpolate towards an outlier.</para>
/// <para>Overhead: the <see cref="ForecastOptions.OverheadPercentile"/> of the durations of small pushes (at most
/// <see cref="ForecastOptions.SmallPushBytes"/> sent), whose time is all fixed cost.</para>
/// <para>Per-byte cost: only from the most recent <see cref="ForecastOptions.RecentComparablePushes"/> pushes of comparable
/// size (within <see cref="ForecastOptions.ComparableSizeRatio"/> of this run's bytes, either way). Each is scaled to this
/// run's bytes by its time beyond the overhead (same size: exactly its duration), and the
/// <see cref="ForecastOptions.ThroughputPercentile"/> of their throughputs is taken. Without a measured overhead a push is
/// scaled up linearly and never scaled down, both pessimistic.</para>
/// <para>No comparable push: the history says nothing about the per-byte cost at this size, so the forecast degrades to
/// the cold start, max(<see cref="ForecastOptions.ColdStartMinimum"/>, bytes ÷
/// <see cref="ForecastOptions.ColdStartBytesPerSecond"/>), or, when the overhead is measured, to overhead + bytes ÷
/// <see cref="ForecastOptions.ColdStartBytesPerSecond"/> when that is shorter. Only comparable pushes measured that slow
/// can take a forecast above the cold start for the same bytes.</para>
/// <para>The estimate is then multiplied by <see cref="ForecastOptions.SafetyFactor"/>. A size of 0 means "unknown": the
/// <see cref="ForecastOptions.DurationPercentile"/> of past durations is used unscaled, as it is when no successful push
/// recorded its size.</para>
/// </remarks>
internal static class PushForecaster
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
        var sized = successful.Where(r => r.Bytes is not null).ToList();

        if (successful.Count == 0)
        {
            return ColdStart(bytesThisRun, options, "cold start: no pushes in history");
        }

        if (bytesThisRun == 0 || sized.Count == 0)
        {
            // Timings without sizes still beat a guess; they just cannot be scaled.
            return FromUnsizedHistory(successful, options);
        }

        var small = sized.Where(r => r.Bytes <= options.SmallPushBytes).ToList();
        var overhead = small.Count == 0
            ? (long?)null
            : small.OrderBy(r => r.Duration).ThenBy(r => r.StartedAt).ElementAt(Rank(small.Count, options.OverheadPercentile)).Duration.Ticks;

        var thisRunIsSmall = bytesThisRun <= options.SmallPushBytes;
        var comparable = sized
            .Where(r => IsComparable(r.Bytes!.Value, bytesThisRun, options.ComparableSizeRatio)
                || (thisRunIsSmall && r.Bytes <= options.SmallPushBytes))
            .OrderBy(r => r.StartedAt)
            .TakeLast(options.RecentComparablePushes)
            .ToList();
        if (comparable.Count == 0)
        {
            return Degraded(bytesThisRun, overhead, small.Count, options);
        }

        // Longest first, so a low throughput percentile is a low rank.
        var chosen = comparable
            .Select(r => (Run: r, Fixed: FixedPart(r, bytesThisRun, overhead), Ticks: Predict(r, bytesThisRun, overhead)))
            .OrderByDescending(p => p.Ticks)
            .ThenBy(p => p.Run.StartedAt)
            .ElementAt(Rank(comparable.Count, options.ThroughputPercentile));
        var perByteTicks = chosen.Run.Duration.Ticks - chosen.Fixed;
        double? bytesPerSecond = chosen.Run.Bytes > 0 && perByteTicks > 0
            ? chosen.Run.Bytes!.Value / TimeSpan.FromTicks(perByteTicks).TotalSeconds
            : null;

        return Create(chosen.Ticks, options, comparable.Count, ComparablePushes(comparable.Count), bytesPerSecond);
    }

    /// <summary>
    /// The estimated remaining push time, before the safety factor, for mid-push renewal decisions.
    /// Once this run has transferred at least <see cref="ForecastOptions.LiveThroughputMinimumFraction"/> of the bytes it
    /// has to send, over at least <see cref="ForecastOptions.LiveThroughputMinimumElapsed"/>, the live throughput (bytes
    /// transferred ÷ elapsed) is trusted; before that, the whole estimate is taken in proportion to the remaining bytes.
    /// Bytes found already staged or committed are neither transferred nor remaining: counting them as sent made a resumed
    /// push look several times faster than it was (issue 11). Rounded up to whole seconds.
    /// </summary>
    /// <param name="whole">The forecast made before the push.</param>
    /// <param name="totalBytes">All bytes of this push; 0 when unknown (then: the estimate minus the elapsed time).</param>
    /// <param name="remainingBytes">Bytes neither transferred nor found already there.</param>
    /// <param name="transferredBytes">Bytes this run sent and had accepted, e.g. <c>PushProgress.TransferredBytes</c>; at most
    /// <paramref name="totalBytes"/> − <paramref name="remainingBytes"/> is counted.</param>
    /// <param name="elapsed">Time since the push began.</param>
    /// <param name="options">The forecast options; validated on every call.</param>
    public static TimeSpan ForecastRemaining(PushForecast whole, long totalBytes, long remainingBytes, long transferredBytes, TimeSpan elapsed, ForecastOptions options)
    {
        ArgumentNullException.ThrowIfNull(whole);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(totalBytes);
        ArgumentOutOfRangeException.ThrowIfNegative(remainingBytes);
        ArgumentOutOfRangeException.ThrowIfNegative(transferredBytes);
        ArgumentOutOfRangeException.ThrowIfLessThan(elapsed, TimeSpan.Zero);
        options.Validate();

        if (totalBytes == 0)
        {
            var left = whole.Estimate - elapsed;
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(remainingBytes, totalBytes);

        // Live counters are read one at a time while blocks complete, so the two may disagree by a block: clamp, never throw
        // from a renewal check.
        transferredBytes = Math.Min(transferredBytes, totalBytes - remainingBytes);
        var toSend = transferredBytes + remainingBytes;
        var liveIsReliable = transferredBytes > 0
            && elapsed >= options.LiveThroughputMinimumElapsed
            && transferredBytes >= options.LiveThroughputMinimumFraction * toSend;

        var ticks = liveIsReliable
            ? Scale(elapsed.Ticks, remainingBytes, transferredBytes)
            : Scale(whole.Estimate.Ticks, remainingBytes, totalBytes);
        return TimeSpan.FromSeconds(CeilingSeconds(ticks));
    }

    /// <summary>Nearest-rank index of a percentile in a sorted list of <paramref name="count"/> items.</summary>
    internal static int Rank(int count, double percentile) =>
        (int)Math.Round(percentile * (count - 1), MidpointRounding.AwayFromZero);

    /// <summary>Whether a push of <paramref name="bytes"/> is within <paramref name="ratio"/> of this run's, either way.</summary>
    internal static bool IsComparable(long bytes, long bytesThisRun, double ratio) =>
        bytes > 0 && bytes * ratio >= bytesThisRun && bytes <= bytesThisRun * ratio;

    /// <summary>
    /// The cold-start estimate for <paramref name="bytes"/>, before the safety factor, in ticks:
    /// max(<see cref="ForecastOptions.ColdStartMinimum"/>, bytes ÷ <see cref="ForecastOptions.ColdStartBytesPerSecond"/>).
    /// </summary>
    internal static long ColdStartTicks(long bytes, ForecastOptions options) =>
        Math.Max(AtColdStartThroughput(bytes, options), options.ColdStartMinimum.Ticks);

    private static long AtColdStartThroughput(long bytes, ForecastOptions options) =>
        (long)Math.Min(Math.Ceiling(bytes / options.ColdStartBytesPerSecond * TimeSpan.TicksPerSecond), MaximumEstimate.Ticks);

    // The part of a past run's duration that does not scale with bytes.
    private static long FixedPart(StageRecord run, long bytesThisRun, long? overhead)
    {
        var duration = run.Duration.Ticks;
        var bytes = run.Bytes!.Value;
        if (bytes == 0)
        {
            return duration;
        }

        // Unknown overhead: all of it scales when growing, none of it shrinks when shrinking; pessimistic both ways.
        return overhead is { } known ? Math.Min(known, duration) : bytesThisRun >= bytes ? 0 : duration;
    }

    private static long Predict(StageRecord run, long bytesThisRun, long? overhead)
    {
        var fixedTicks = FixedPart(run, bytesThisRun, overhead);
        var perByte = run.Duration.Ticks - fixedTicks;
        return perByte == 0 ? fixedTicks : SaturatingAdd(fixedTicks, Scale(perByte, bytesThisRun, run.Bytes!.Value));
    }

    private static PushForecast Degraded(long bytesThisRun, long? overhead, int smallPushes, ForecastOptions options)
    {
        const string Reason = "cold start: no comparable pushes in history";
        if (overhead is not { } known)
        {
            return ColdStart(bytesThisRun, options, Reason);
        }

        var measured = SaturatingAdd(known, AtColdStartThroughput(bytesThisRun, options));
        var coldStart = ColdStartTicks(bytesThisRun, options);
        if (measured >= coldStart)
        {
            return ColdStart(bytesThisRun, options, Reason);
        }

        var basis = string.Create(
            CultureInfo.InvariantCulture,
            $"{Reason}, {Units.Duration(TimeSpan.FromTicks(known))} overhead from {smallPushes} small push{(smallPushes == 1 ? "" : "es")}");
        return Create(measured, options, runsUsed: 0, basis, options.ColdStartBytesPerSecond);
    }

    private static PushForecast ColdStart(long bytesThisRun, ForecastOptions options, string basis)
    {
        var byThroughput = AtColdStartThroughput(bytesThisRun, options);
        var throughputWins = byThroughput > options.ColdStartMinimum.Ticks;
        return Create(
            Math.Max(byThroughput, options.ColdStartMinimum.Ticks),
            options,
            runsUsed: 0,
            basis,
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

    private static long SaturatingAdd(long a, long b) => (long)Int128.Min((Int128)a + b, long.MaxValue);

    private static long CeilingSeconds(long ticks) =>
        (Math.Min(ticks, MaximumEstimate.Ticks) + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond;

    private static string Runs(int count) =>
        count == 1 ? "1 run" : string.Create(CultureInfo.InvariantCulture, $"{count} runs");

    private static string ComparablePushes(int count) =>
        count == 1 ? "1 comparable push" : string.Create(CultureInfo.InvariantCulture, $"{count} comparable pushes");
}
