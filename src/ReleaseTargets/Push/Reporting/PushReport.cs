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
    Uri? ManifestUrl)
{
    public long TotalBytes => Artifacts.Sum(a => a.Length);

    public long BytesSent => Artifacts.Sum(a => a.BytesSent);

    public int Retries => Artifacts.Sum(a => a.Retries);
}
