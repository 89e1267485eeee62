namespace ReleaseTargets.Push.Reporting;

/// <summary>The report line of one image or OCI artifact pushed to a registry.</summary>
/// <param name="Name">The layout folder (or artifact name) it came from.</param>
/// <param name="Reference">Where it went: <c>registry/repository:tag</c> (the first tag).</param>
/// <param name="Tags">Every tag written, each only after everything it points to was there.</param>
/// <param name="Digest">The digest the tags point to.</param>
/// <param name="BlobsReused">Blobs already in the repository (or mounted) and not sent.</param>
public sealed record ImageResult(
    string Name,
    string Reference,
    IReadOnlyList<string> Tags,
    string Digest,
    long Length,
    ArtifactOutcome Outcome,
    TimeSpan Duration,
    long BytesSent,
    int BlobsTotal,
    int BlobsReused,
    int Retries,
    string? Error = null);
