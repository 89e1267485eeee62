namespace ReleaseTargets.Push.Reporting;

/// <summary>The report line of one artifact.</summary>
public sealed record ArtifactResult(
    string Name,
    string BlobName,
    Uri Url,
    long Length,
    string Md5,
    ArtifactOutcome Outcome,
    TimeSpan Duration,
    long BytesSent,
    int BlocksTotal,
    int BlocksReused,
    int Retries,
    string? Error = null);
