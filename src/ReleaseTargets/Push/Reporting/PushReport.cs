namespace ReleaseTargets.Push.Reporting;

/// <summary>What a push did: per artifact, totals, SAS renewals. Formatted only by <see cref="PushReportWriter"/>.</summary>
/// <param name="ForecastEstimate">The forecast estimate (before the safety factor) the SAS was sized to, next to
/// <see cref="Duration"/>; <see langword="null"/> when none was made.</param>
/// <param name="ForecastBasis">What the forecast was based on, e.g. "5 comparable pushes".</param>
/// <param name="Images">The images pushed to a registry before the blobs (null when the release has none).</param>
public sealed record PushReport(
    string Version,
    Uri ContainerUrl,
    IReadOnlyList<ArtifactResult> Artifacts,
    TimeSpan Duration,
    int CredentialRenewals,
    string? SasWindow,
    bool Succeeded,
    Uri? ManifestUrl,
    int ControlRetries = 0,
    TimeSpan? ForecastEstimate = null,
    string? ForecastBasis = null,
    IReadOnlyList<ImageResult>? Images = null)
{
    /// <summary>The shard this push published (<c>--shard</c>); null for a whole release.</summary>
    public string? Shard { get; init; }

    /// <summary>Where a shard's push recorded it (<c>&lt;version&gt;/_shards/&lt;shard&gt;.json</c>); null for a whole release or a failed push.</summary>
    public Uri? ShardRecordUrl { get; init; }

    /// <summary>Bytes of every artifact of the release.</summary>
    public long TotalBytes => Artifacts.Sum(a => a.Length);

    /// <summary>Bytes this push actually sent (less than <see cref="TotalBytes"/> when it resumed or skipped artifacts).</summary>
    public long BytesSent => Artifacts.Sum(a => a.BytesSent);

    /// <summary>Every retry of the push: the artifacts' and those of its control requests (claim, listing, manifest).</summary>
    public int Retries => Artifacts.Sum(a => a.Retries) + ControlRetries;
}
