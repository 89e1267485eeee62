namespace ReleaseTargets.Push;

/// <summary>What a push did: per artifact, totals, SAS renewals. Formatted only by <see cref="PushReportWriter"/>.</summary>
public sealed record PushReport(
    string Version,
    Uri ContainerUrl,
    IReadOnlyList<ArtifactResult> Artifacts,
    TimeSpan Duration,
    int CredentialRenewals,
    string? SasWindow,
    bool Succeeded,
    Uri? ManifestUrl,
    int ControlRetries = 0)
{
    public long TotalBytes => Artifacts.Sum(a => a.Length);

    public long BytesSent => Artifacts.Sum(a => a.BytesSent);

    /// <summary>Every retry of the push: the artifacts' and those of its control requests (claim, listing, manifest).</summary>
    public int Retries => Artifacts.Sum(a => a.Retries) + ControlRetries;
}
