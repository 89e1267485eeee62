namespace ReleaseTargets.Stages;

/// <summary>The defaults of everything in <c>Stages/</c>, in one place, each with the reason it was chosen.</summary>
internal static class StageConstants
{
    /// <summary>Headroom on top of the estimate; the SAS policy reuses it for renewal so the two never disagree.</summary>
    public const double SafetyFactor = 1.5;

    /// <summary>2 MiB/s (about 16 Mbit/s): a slow office or home uplink. Measured pushes here run at 26–31 MiB/s
    /// against Azurite and CI agents in Azure are faster still, so a first run is over-, not under-estimated;
    /// over-estimating once costs a longer SAS, under-estimating costs a renewal.</summary>
    public const double ColdStartBytesPerSecond = 2 * 1024 * 1024;

    /// <summary>Even a tiny first push pays for listing, hashing and committing; five minutes covers that.</summary>
    public static readonly TimeSpan ColdStartMinimum = TimeSpan.FromMinutes(5);

    /// <summary>The typical comparable push. The safety factor is the headroom; taking a pessimistic percentile as well
    /// counted the same risk twice (issue 11). The median ignores one outlier among two or more runs.</summary>
    public const double ThroughputPercentile = 0.5;

    /// <summary>A long-but-not-absurd duration, for histories without sizes only: the 90th percentile ignores the single
    /// longest run once there are seven or more.</summary>
    public const double DurationPercentile = 0.9;

    /// <summary>The typical fixed cost (listing, claim, commit, manifest) of a push whose bytes do not matter.</summary>
    public const double OverheadPercentile = 0.5;

    /// <summary>1 MiB takes half a second at the cold-start throughput: a push this small is all fixed overhead.</summary>
    public const long SmallPushBytes = 1024 * 1024;

    /// <summary>Throughput measured on a push more than 4× smaller or larger says little about this one: small pushes are
    /// overhead and few connections, large ones saturate the link (issue 11: 60 B pushes forecast a 300 MiB push at 19 days).</summary>
    public const double ComparableSizeRatio = 4;

    /// <summary>The most recent comparable pushes only, so a network that got slower shows after three runs, not ten;
    /// five still out-vote one or two outliers.</summary>
    public const int RecentComparablePushes = 5;

    /// <summary>Below a tenth of the bytes, the live rate is dominated by start-up (listing, first connections).</summary>
    public const double LiveThroughputMinimumFraction = 0.1;

    /// <summary>Less than 30 seconds of live measurement is too noisy to trust over the history.</summary>
    public static readonly TimeSpan LiveThroughputMinimumElapsed = TimeSpan.FromSeconds(30);
}
