using System.Globalization;
using ReleaseTargets.Configuration;

namespace ReleaseTargets.Stages;

/// <summary>
/// How <see cref="PushForecaster"/> turns recorded push timings into a forecast. The safety factor lives here,
/// and only here: the SAS lifetime policy reads it for renewal decisions, so sizing and renewal use one number.
/// </summary>
public sealed class ForecastOptions
{
    /// <summary>
    /// Multiplies the estimate to give the forecast the SAS is sized to. Must be at least 1.
    /// Default: 1.5.
    /// </summary>
    public double SafetyFactor { get; set; } = StageConstants.SafetyFactor;

    /// <summary>
    /// The throughput assumed, in bytes per second, when there is no successful push in the history.
    /// Default: 2 MiB/s (2,097,152 bytes per second).
    /// </summary>
    public double ColdStartBytesPerSecond { get; set; } = StageConstants.ColdStartBytesPerSecond;

    /// <summary>
    /// The smallest estimate made when there is no successful push in the history.
    /// Default: 5 minutes.
    /// </summary>
    public TimeSpan ColdStartMinimum { get; set; } = StageConstants.ColdStartMinimum;

    /// <summary>
    /// Which percentile of the comparable pushes' per-byte throughput is assumed for this run; low is pessimistic.
    /// <see cref="SafetyFactor"/> already supplies the headroom, so the default is the typical push.
    /// Default: 0.5 (the median).
    /// </summary>
    public double ThroughputPercentile { get; set; } = StageConstants.ThroughputPercentile;

    /// <summary>
    /// Which percentile of past durations is the estimate when sizes are unknown (this run's or the history's); high is
    /// pessimistic.
    /// Default: 0.9 (the 90th percentile).
    /// </summary>
    public double DurationPercentile { get; set; } = StageConstants.DurationPercentile;

    /// <summary>
    /// Which percentile of the small pushes' durations is taken as the fixed overhead of every push.
    /// Default: 0.5 (the median).
    /// </summary>
    public double OverheadPercentile { get; set; } = StageConstants.OverheadPercentile;

    /// <summary>
    /// A push that sent at most this many bytes measures fixed overhead only.
    /// Default: 1 MiB (1,048,576 bytes).
    /// </summary>
    public long SmallPushBytes { get; set; } = StageConstants.SmallPushBytes;

    /// <summary>
    /// A past push is of comparable size when its bytes are within this factor of this run's, either way; only comparable
    /// pushes inform the per-byte cost. Must be at least 1.
    /// Default: 4.
    /// </summary>
    public double ComparableSizeRatio { get; set; } = StageConstants.ComparableSizeRatio;

    /// <summary>
    /// How many of the most recent comparable pushes inform the per-byte cost. Must be at least 1.
    /// Default: 5.
    /// </summary>
    public int RecentComparablePushes { get; set; } = StageConstants.RecentComparablePushes;

    /// <summary>
    /// The share of the bytes that must have been sent before the live throughput replaces the forecast
    /// when estimating the remaining work.
    /// Default: 0.1.
    /// </summary>
    public double LiveThroughputMinimumFraction { get; set; } = StageConstants.LiveThroughputMinimumFraction;

    /// <summary>
    /// How long the push must have run before the live throughput replaces the forecast when estimating
    /// the remaining work.
    /// Default: 30 seconds.
    /// </summary>
    public TimeSpan LiveThroughputMinimumElapsed { get; set; } = StageConstants.LiveThroughputMinimumElapsed;

    /// <summary>An independent copy.</summary>
    public ForecastOptions Clone() => (ForecastOptions)MemberwiseClone();

    /// <summary>Throws one <see cref="Configuration.ReleaseConfigurationException"/> naming every bad value.</summary>
    internal void Validate()
    {
        if (Problems() is { Count: > 0 } problems)
        {
            throw new Configuration.ReleaseConfigurationException(problems);
        }
    }

    /// <summary>Every problem with these settings, one line each (empty when valid).</summary>
    internal List<string> Problems()
    {
        var problems = new List<string>();
        if (!(SafetyFactor >= 1) || double.IsInfinity(SafetyFactor))
        {
            problems.Add(Problem(nameof(SafetyFactor), SafetyFactor, "must be a finite number of at least 1"));
        }

        if (!(ColdStartBytesPerSecond > 0) || double.IsInfinity(ColdStartBytesPerSecond))
        {
            problems.Add(Problem(nameof(ColdStartBytesPerSecond), ColdStartBytesPerSecond, "must be a finite number above 0"));
        }

        if (ColdStartMinimum < TimeSpan.Zero)
        {
            problems.Add(Problem(nameof(ColdStartMinimum), ColdStartMinimum, "must not be negative"));
        }

        foreach (var (name, value) in new[]
                 {
                     (nameof(ThroughputPercentile), ThroughputPercentile),
                     (nameof(DurationPercentile), DurationPercentile),
                     (nameof(OverheadPercentile), OverheadPercentile),
                 })
        {
            if (!(value >= 0 && value <= 1))
            {
                problems.Add(Problem(name, value, "must be between 0 and 1"));
            }
        }

        if (SmallPushBytes < 0)
        {
            problems.Add(Problem(nameof(SmallPushBytes), SmallPushBytes, "must not be negative"));
        }

        if (!(ComparableSizeRatio >= 1) || double.IsInfinity(ComparableSizeRatio))
        {
            problems.Add(Problem(nameof(ComparableSizeRatio), ComparableSizeRatio, "must be a finite number of at least 1"));
        }

        if (RecentComparablePushes < 1)
        {
            problems.Add(Problem(nameof(RecentComparablePushes), RecentComparablePushes, "must be at least 1"));
        }

        if (!(LiveThroughputMinimumFraction > 0 && LiveThroughputMinimumFraction <= 1))
        {
            problems.Add(Problem(nameof(LiveThroughputMinimumFraction), LiveThroughputMinimumFraction, "must be above 0 and at most 1"));
        }

        if (LiveThroughputMinimumElapsed <= TimeSpan.Zero)
        {
            problems.Add(Problem(nameof(LiveThroughputMinimumElapsed), LiveThroughputMinimumElapsed, "must be above zero"));
        }

        return problems;
    }

    private static string Problem(string property, object value, string rule) =>
        string.Create(CultureInfo.InvariantCulture, $"{nameof(ForecastOptions)}.{property} {rule} (got '{value}').");
}
